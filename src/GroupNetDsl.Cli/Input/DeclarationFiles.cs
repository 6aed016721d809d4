using System;
using System.Collections.Generic;
using System.IO;
using System.Security;
using GroupNetDsl.Language.Text;

namespace GroupNetDsl.Cli.Input;

/// <summary>Reads .gnet files from disk. Paths are kept as the user typed them, so diagnostics name files the same way.</summary>
public static class DeclarationFiles
{
    /// <summary>Reads every file, or fails naming each one that could not be read (all of them, not just the first).</summary>
    /// <exception cref="CommandFailedException">A file is missing or unreadable.</exception>
    public static IReadOnlyList<SourceDocument> ReadAll(IReadOnlyList<string> paths)
    {
        var documents = new List<SourceDocument>();
        var failures = new List<string>();
        foreach (string path in paths)
        {
            string? failure = TryRead(path, documents);
            if (failure is not null) failures.Add(failure);
        }
        if (failures.Count > 0) throw new CommandFailedException(failures);
        return documents;
    }

    /// <summary>Adds the file's document to <paramref name="documents"/>, or returns why it could not be read.</summary>
    private static string? TryRead(string path, List<SourceDocument> documents)
    {
        try
        {
            if (Directory.Exists(path)) return $"cannot read '{path}': it is a directory, not a .gnet file.";
            documents.Add(new SourceDocument(path, File.ReadAllText(path)));
            return null;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return $"cannot read '{path}': the file does not exist.";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException or SecurityException)
        {
            return $"cannot read '{path}': {e.Message}";
        }
    }
}
