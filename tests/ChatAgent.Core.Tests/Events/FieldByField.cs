using System.Collections;
using System.Reflection;
using System.Text.Json;

namespace ChatAgent.Core.Tests.Events;

/// <summary>
/// Compares two values property by property, recursively (records, lists, dictionaries, JSON), and names the first
/// property that differs. Unlike record equality it sees into collections and <see cref="JsonElement"/>s, and unlike a
/// comparison of serialized text it does not depend on the serializer under test.
/// </summary>
internal static class FieldByField
{
    public static void Equal(object? expected, object? actual, string path = "$")
    {
        if (expected is null || actual is null)
        {
            Assert.True(expected is null && actual is null, $"{path}: expected {Show(expected)}, got {Show(actual)}");
            return;
        }
        switch (expected)
        {
            case JsonElement e:
                Assert.True(actual is JsonElement a && JsonElement.DeepEquals(e, a), $"{path}: expected {e.GetRawText()}, got {Show(actual)}");
                return;
            case string or ValueType or Enum:
                Assert.True(expected.Equals(actual), $"{path}: expected {Show(expected)}, got {Show(actual)}");
                return;
            case IDictionary ed:
                var ad = Assert.IsAssignableFrom<IDictionary>(actual);
                Assert.True(ed.Count == ad.Count, $"{path}: expected {ed.Count} entries, got {ad.Count}");
                foreach (DictionaryEntry entry in ed)
                {
                    Assert.True(ad.Contains(entry.Key), $"{path}: missing key {entry.Key}");
                    Equal(entry.Value, ad[entry.Key], $"{path}[{entry.Key}]");
                }
                return;
            case IEnumerable es:
                var ea = es.Cast<object?>().ToList();
                var aa = Assert.IsAssignableFrom<IEnumerable>(actual).Cast<object?>().ToList();
                Assert.True(ea.Count == aa.Count, $"{path}: expected {ea.Count} items, got {aa.Count}");
                for (var i = 0; i < ea.Count; i++) Equal(ea[i], aa[i], $"{path}[{i}]");
                return;
        }
        Assert.True(expected.GetType() == actual.GetType(), $"{path}: expected a {expected.GetType().Name}, got a {actual.GetType().Name}");
        foreach (var property in expected.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.Name == "EqualityContract") continue;
            Equal(property.GetValue(expected), property.GetValue(actual), $"{path}.{property.Name}");
        }
    }

    private static string Show(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\"",
        JsonElement j => j.GetRawText(),
        _ => value.ToString() ?? value.GetType().Name,
    };
}
