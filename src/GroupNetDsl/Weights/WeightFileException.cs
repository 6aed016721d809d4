using System;

namespace GroupNetDsl.Weights;

/// <summary>
/// A weight file that cannot be used: it is missing, damaged, not a safetensors file, or does not match the
/// network that loads it. The message names the file, the tensor where there is one, and what to do about it.
/// </summary>
public sealed class WeightFileException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="sourceName">The file path, or the name the caller gave the stream or bytes.</param>
    /// <param name="key">The tensor (or header key) the problem is about, or <see langword="null"/> for the file as a whole.</param>
    /// <param name="message">The complete message; it should name <paramref name="sourceName"/> and <paramref name="key"/>.</param>
    /// <param name="innerException">The exception that caused this one, if any.</param>
    public WeightFileException(string sourceName, string? key, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        SourceName = sourceName;
        Key = key;
    }

    /// <summary>The file path, or the name the caller gave the stream or bytes.</summary>
    public string SourceName { get; }

    /// <summary>The tensor (or header key) the problem is about, or <see langword="null"/> for the file as a whole.</summary>
    public string? Key { get; }
}
