using System.Security.Cryptography;

namespace ChatAgent.Core.Runtime;

/// <summary>Ids of 10 lowercase base-32 characters (50 bits) after the prefix.</summary>
public sealed class RandomIdGenerator : IIdGenerator
{
    private const string Alphabet = "abcdefghijkmnpqrstuvwxyz23456789";

    public string NewId(string prefix) => prefix + "_" + RandomNumberGenerator.GetString(Alphabet, 10);
}
