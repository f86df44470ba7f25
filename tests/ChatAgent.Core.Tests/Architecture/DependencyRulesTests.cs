using System.Reflection;
using System.Text.RegularExpressions;
using ChatAgent.Core.Threads;
using ChatAgent.TestSupport;

namespace ChatAgent.Core.Tests.Architecture;

/// <summary>
/// STYLE rule 1, "dependencies point inward": Core knows no web framework, no job system and no outer project,
/// and only <c>ChatAgent.Core.Storage.Postgres</c> may touch Npgsql.
/// </summary>
public sealed partial class DependencyRulesTests
{
    private const string PostgresNamespace = "ChatAgent.Core.Storage.Postgres";
    private static readonly Assembly Core = typeof(ThreadReducer).Assembly;

    [Theory]
    [InlineData("Microsoft.AspNetCore")]
    [InlineData("Hangfire")]
    [InlineData("ChatAgent.Jobs")]
    [InlineData("ChatAgent.Bot")]
    public void Core_DoesNotReference(string assemblyPrefix) =>
        Assert.DoesNotContain(Core.GetReferencedAssemblies(), a => a.Name!.StartsWith(assemblyPrefix, StringComparison.OrdinalIgnoreCase));

    [Fact]
    public void Core_StillReferencesNpgsql_SoTheNextRulesAreNotVacuous() =>
        Assert.Contains(Core.GetReferencedAssemblies(), a => a.Name == "Npgsql");

    /// <summary>Signatures: fields, properties, parameters, return types, base types and interfaces of every type.</summary>
    [Fact]
    public void NpgsqlTypes_AppearInSignatures_OnlyInThePostgresNamespace()
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var offenders = new List<string>();
        foreach (var type in Core.GetTypes().Where(t => !InPostgresNamespace(t)))
        {
            var used = new List<Type>();
            if (type.BaseType is { } b) used.Add(b);
            used.AddRange(type.GetInterfaces());
            used.AddRange(type.GetFields(all).Select(f => f.FieldType));
            used.AddRange(type.GetProperties(all).Select(p => p.PropertyType));
            foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
            {
                used.AddRange(method.GetParameters().Select(p => p.ParameterType));
                if (method is MethodInfo m) used.Add(m.ReturnType);
            }
            offenders.AddRange(used.Where(IsNpgsql).Select(u => $"{type.FullName} uses {u.FullName}"));
        }
        Assert.Empty(offenders);
    }

    /// <summary>Method bodies: any use of Npgsql in code needs the namespace, by <c>using</c> or in full.</summary>
    [Fact]
    public void NpgsqlIsNamed_OnlyInSourceFilesUnderStoragePostgres()
    {
        var source = Path.Combine(RepositoryPaths.Root, "src", "ChatAgent.Core");
        var allowed = Path.Combine(source, "Storage", "Postgres") + Path.DirectorySeparatorChar;
        var files = Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                     && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(files);
        Assert.Contains(files, f => f.StartsWith(allowed, StringComparison.Ordinal) && NpgsqlMention().IsMatch(File.ReadAllText(f)));

        var offenders = files.Where(f => !f.StartsWith(allowed, StringComparison.Ordinal) && NpgsqlMention().IsMatch(File.ReadAllText(f)))
            .Select(f => Path.GetRelativePath(RepositoryPaths.Root, f));
        Assert.Empty(offenders);
    }

    private static bool InPostgresNamespace(Type t) =>
        t.Namespace is { } ns && (ns == PostgresNamespace || ns.StartsWith(PostgresNamespace + ".", StringComparison.Ordinal));

    private static bool IsNpgsql(Type t)
    {
        while (t.HasElementType) t = t.GetElementType()!;
        if (t.Assembly.GetName().Name is "Npgsql") return true;
        return t.IsGenericType && t.GetGenericArguments().Any(IsNpgsql);
    }

    [GeneratedRegex(@"\bNpgsql(Types)?\b")]
    private static partial Regex NpgsqlMention();
}
