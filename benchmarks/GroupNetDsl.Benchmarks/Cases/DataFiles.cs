namespace GroupNetDsl.Benchmarks.Cases;

/// <summary>
/// Where the weight and ONNX files are: copied next to the program, else in the repository's tests/reference/data, else
/// in its git-ignored artifacts/ (the torchvision networks' files, too large to commit).
/// </summary>
public static class DataFiles
{
    /// <summary>Whether the file is in one of the places <see cref="PathOf"/> looks.</summary>
    public static bool Exists(string relativePath) => Find(relativePath) is not null;

    /// <summary>The full path of a file of the data folder.</summary>
    public static string PathOf(string relativePath) => Find(relativePath) ?? throw new FileNotFoundException(
            $"'{relativePath}' is neither in {Path.Combine(AppContext.BaseDirectory, "data")} nor in tests/reference/data nor in artifacts; run tests/reference/export.py and export_layers.py (export_layers.py --large for artifacts/layers, export_zoo.py --full for artifacts/zoo).",
            relativePath);

    private static string? Find(string relativePath)
    {
        string copied = Path.Combine(AppContext.BaseDirectory, "data", relativePath);
        if (File.Exists(copied)) return copied;
        string? root = RepositoryPaths.FindRoot();
        if (root is null) return null;
        return new[] { Path.Combine(root, "tests", "reference", "data", relativePath), Path.Combine(root, "artifacts", relativePath) }.FirstOrDefault(File.Exists);
    }
}

/// <summary>Finds the repository (the folder holding GroupNetDsl.sln) from the program's folder or the current one.</summary>
public static class RepositoryPaths
{
    /// <summary>The repository root, or null when the program runs outside it.</summary>
    public static string? FindRoot()
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "GroupNetDsl.sln"))) return directory.FullName;
            }
        }
        return null;
    }
}
