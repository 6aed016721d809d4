using System.Collections.Generic;
using GroupNetDsl.Language.Text;

namespace GroupNetDsl.Language.Weights;

/// <summary>
/// The weight file a network declares (<c>weights: "net.safetensors"</c> in a .gnet header, <c>Weights = "..."</c> on
/// [GroupNet]): the path as written, the path it names (relative to the declaring file's folder) and where it is written.
/// </summary>
public sealed record DeclaredWeights(string Path, string FullPath, SourceLocation Location)
{
    public static DeclaredWeights Resolve(string path, SourceLocation location)
    {
        string folder = location.FilePath.Substring(0, System.Math.Max(0, System.Math.Max(location.FilePath.LastIndexOf('/'), location.FilePath.LastIndexOf('\\'))));
        string combined = IsRooted(path) || folder.Length == 0 ? path : folder + "/" + path;
        return new DeclaredWeights(path, Normalize(combined), location);
    }

    /// <summary>
    /// A path with '/' separators and no '.' or '..' segments, so that the declared path and MSBuild's full path of the
    /// file compare equal (a pure string operation: analyzers may not touch the file system).
    /// </summary>
    public static string Normalize(string path)
    {
        string unified = path.Replace('\\', '/');
        bool rooted = unified.StartsWith("/", System.StringComparison.Ordinal);
        var segments = new List<string>();
        foreach (string segment in unified.Split('/'))
        {
            if (segment.Length == 0 || segment == ".") continue;
            if (segment == ".." && segments.Count > 0 && segments[segments.Count - 1] != "..") segments.RemoveAt(segments.Count - 1);
            else segments.Add(segment);
        }
        return (rooted ? "/" : string.Empty) + string.Join("/", segments);
    }

    private static bool IsRooted(string path) =>
        path.StartsWith("/", System.StringComparison.Ordinal) || path.StartsWith("\\", System.StringComparison.Ordinal)
        || (path.Length >= 2 && path[1] == ':');
}
