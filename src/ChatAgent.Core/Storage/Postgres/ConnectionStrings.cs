using System.Data.Common;

namespace ChatAgent.Core.Storage.Postgres;

/// <summary>What a connection string itself sets, as opposed to the defaults the pools fill in.</summary>
internal static class ConnectionStrings
{
    /// <summary>
    /// True when <paramref name="connectionString"/> sets any of <paramref name="keys"/>, compared without spaces and
    /// case ("Max Auto Prepare" and "maxautoprepare" are one key).
    /// </summary>
    public static bool Names(string connectionString, params string[] keys)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        return given.Keys.Cast<string>().Select(Spaceless).Any(k => keys.Any(key => Spaceless(key).Equals(k, StringComparison.OrdinalIgnoreCase)));
    }

    private static string Spaceless(string key) => key.Replace(" ", "", StringComparison.Ordinal);
}
