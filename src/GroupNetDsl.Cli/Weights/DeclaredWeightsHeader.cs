using System;
using System.IO;
using System.Text;
using GroupNetDsl.Language.Weights;

namespace GroupNetDsl.Cli.Weights;

/// <summary>
/// The header of a declared weight file as the build reads it (build/GroupNetDsl.props, task
/// GroupNetDslExtractSafeTensorsHeader, with the same messages), so that <c>gnet check</c> gives
/// <see cref="DeclaredWeightsCheck"/> what the analyzers get and reports the same diagnostics.
/// </summary>
public static class DeclaredWeightsHeader
{
    private const long MaximumHeaderLength = 100 * 1024 * 1024; // as the runtime's SafeTensorsFile

    /// <summary>The file's header; null when there is no such file (the build then has none either: GNET0310).</summary>
    public static WeightHeader? Read(string path)
    {
        if (!File.Exists(path)) return null;
        return WeightHeader.Parse(ReadText(path));
    }

    private static string ReadText(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            var prefix = new byte[8];
            int read = stream.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false);
            ulong length = 0;
            for (int i = 7; i >= 0; i--) length = (length << 8) | prefix[i];
            if (read < 8) return WeightHeader.ErrorPrefix + "the file is " + stream.Length + " bytes long, too short for the 8-byte header length that starts every safetensors file";
            if (length > MaximumHeaderLength) return WeightHeader.ErrorPrefix + "the header length is " + length + " bytes, more than the 100 MiB a safetensors header may have";
            if ((long)length > stream.Length - 8) return WeightHeader.ErrorPrefix + "the header length " + length + " is larger than the file, which has only " + (stream.Length - 8) + " bytes after the length field; the file is truncated";
            var header = new byte[length];
            stream.ReadExactly(header);
            return new UTF8Encoding(false, true).GetString(header);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DecoderFallbackException)
        {
            return WeightHeader.ErrorPrefix + "the file could not be read as a safetensors file (" + e.Message.TrimEnd('.') + ")";
        }
    }
}
