using System;
using System.Collections.Generic;
using System.Linq;
using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Syntax;

namespace GroupNetDsl.Language.Binding;

/// <summary>
/// Which blocks each file sees: the standard library, then the blocks of the files it imports, then its own (a
/// file's own block hides an imported or library block of the same name, as a user block always hid a library
/// one). Two files may each declare a block of one name without a clash.
/// </summary>
internal sealed class BlockScopes
{
    private BlockScopes(IReadOnlyDictionary<string, BlockSyntax> standardLibrary, Dictionary<string, IReadOnlyDictionary<string, BlockSyntax>> byFile, HashSet<BlockSyntax> broken, HashSet<string> badImports)
    {
        FilesWithBadImports = badImports;
        StandardLibrary = standardLibrary;
        ByFile = byFile;
        Broken = broken;
    }

    /// <summary>The library's blocks: what a declaration outside any .gnet file (the attribute form) sees.</summary>
    public IReadOnlyDictionary<string, BlockSyntax> StandardLibrary { get; }

    /// <summary>The blocks each file sees, by file path.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, BlockSyntax>> ByFile { get; }

    /// <summary>Blocks no model may be built from: with syntax errors of their own or in a file with stray ones (<see cref="DocumentSyntax.HasStrayErrors"/>), or declared twice in one file.</summary>
    public HashSet<BlockSyntax> Broken { get; }

    /// <summary>Files with an import that failed: like a syntax error, it may hide what a network meant, so they give no models.</summary>
    public HashSet<string> FilesWithBadImports { get; }

    public static BlockScopes Create(List<DocumentSyntax> parsed, DiagnosticBag diagnostics)
    {
        var library = new Dictionary<string, BlockSyntax>(StringComparer.Ordinal);
        foreach (var block in Language.StandardLibrary.Blocks.Concat(Language.StandardLibrary.ZooBlocks)) library[block.Name] = block;
        var broken = new HashSet<BlockSyntax>();

        // Each file's own blocks; two of one name in one file are a clash.
        var own = new Dictionary<string, Dictionary<string, BlockSyntax>>(StringComparer.Ordinal);
        foreach (var syntax in parsed)
        {
            var blocks = new Dictionary<string, BlockSyntax>(StringComparer.Ordinal);
            foreach (var block in syntax.Blocks)
            {
                if (block.Name.Length == 0) continue;
                if (blocks.TryGetValue(block.Name, out var first))
                {
                    diagnostics.Report(DiagnosticDescriptors.DuplicateName, block.NameLocation, block.Name);
                    broken.Add(first); // which of the two a network means is unknown: no model from either
                    broken.Add(block);
                    continue;
                }
                blocks[block.Name] = block;
                if (syntax.HasStrayErrors || block.SyntaxErrors.Count > 0) broken.Add(block);
            }
            own[syntax.Source.FilePath] = blocks;
        }

        var byFile = new Dictionary<string, IReadOnlyDictionary<string, BlockSyntax>>(StringComparer.Ordinal);
        var badImports = new HashSet<string>(StringComparer.Ordinal);
        foreach (var syntax in parsed)
        {
            var visible = new Dictionary<string, BlockSyntax>(library, StringComparer.Ordinal);
            var importedFrom = new Dictionary<string, (string Path, string Written)>(StringComparer.Ordinal);
            foreach (var import in syntax.Imports)
            {
                string? path = Resolve(syntax.Source.FilePath, import.Path, own.Keys);
                if (path is null)
                {
                    diagnostics.Report(DiagnosticDescriptors.ImportNotFound, import.Location, import.Path, Near(syntax.Source.FilePath));
                    badImports.Add(syntax.Source.FilePath);
                    continue;
                }
                foreach (var block in own[path].Values)
                {
                    if (importedFrom.TryGetValue(block.Name, out var other) && other.Path != path && !own[syntax.Source.FilePath].ContainsKey(block.Name))
                    {
                        diagnostics.Report(DiagnosticDescriptors.AmbiguousImport, import.Location, block.Name, other.Written, import.Path);
                        badImports.Add(syntax.Source.FilePath);
                        continue;
                    }
                    importedFrom[block.Name] = (path, import.Path);
                    visible[block.Name] = block;
                }
            }
            foreach (var block in own[syntax.Source.FilePath].Values)
            {
                visible[block.Name] = block;
                if (badImports.Contains(syntax.Source.FilePath)) broken.Add(block);
            }
            byFile[syntax.Source.FilePath] = visible;
        }
        // The standard library's and the model zoo's blocks see each other, and only each other.
        byFile[Language.StandardLibrary.FilePath] = library;
        foreach (var document in Language.StandardLibrary.ZooDocuments) byFile[document.FilePath] = library;
        return new BlockScopes(library, byFile, broken, badImports);
    }

    /// <summary>The compiled file an import names: its path joined to the importing file's folder, '.' and '..' resolved, '/' or '\' alike.</summary>
    private static string? Resolve(string importer, string path, IEnumerable<string> files)
    {
        string folder = Folder(importer);
        string wanted = Normalize(folder.Length == 0 ? path : folder + "/" + path);
        foreach (var file in files)
        {
            if (string.Equals(Normalize(file), wanted, StringComparison.Ordinal)) return file;
        }
        return null;
    }

    private static string Folder(string path)
    {
        int slash = Math.Max(path.LastIndexOf('/'), path.LastIndexOf('\\'));
        return slash < 0 ? string.Empty : path.Substring(0, slash);
    }

    private static string Normalize(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Replace('\\', '/').Split('/'))
        {
            if (part is "" or ".") continue;
            if (part == ".." && parts.Count > 0 && parts[parts.Count - 1] != "..") parts.RemoveAt(parts.Count - 1);
            else parts.Add(part);
        }
        return (path.StartsWith("/", StringComparison.Ordinal) ? "/" : string.Empty) + string.Join("/", parts);
    }

    private static string Near(string importer) => Folder(importer).Length == 0 ? string.Empty : $" (paths are relative to '{Folder(importer)}')";
}
