using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using GroupNetDsl.Language.Ops;

namespace GroupNetDsl.Cli.Onnx;

/// <summary>
/// Names the members and tensors of an imported network. PyTorch 1.13 names each node after the module path that
/// made it (<c>/stage1/reduce/reduce.0/Conv</c>, each scope repeating its parent's name as a prefix), so a member
/// reads as the module it came from (<c>stage1_reduce_0</c>). Names are letters, digits and underscores only, so no
/// name from a model file reaches the .gnet text or the generated C# unchecked.
/// </summary>
public sealed class ModuleNames
{
    // Words of the language, op names (forward calls ops by name) and the forward block's own input.
    private static readonly string[] Reserved = new[] { "network", "block", "import", "forward", "return", "if", "then", "else", "input", "x" }
        .Concat(OpRegistry.All.Select(op => op.Name)).ToArray();

    private readonly HashSet<string> _used = new(Reserved, StringComparer.Ordinal);
    private int _nextTensor = 1;

    /// <summary>A unique member name for a node: its module path, else its sanitized name, else op type and index.</summary>
    public string Member(string nodeName, string opType, int index)
    {
        string candidate = ModulePath(nodeName);
        if (candidate.Length == 0 && !nodeName.StartsWith('/')) candidate = Sanitize(nodeName);
        if (candidate.Length == 0) candidate = $"{Sanitize(opType).ToLowerInvariant()}_{index}";
        return Unique(candidate);
    }

    /// <summary>A fresh name for a tensor of the forward block.</summary>
    public string Tensor()
    {
        while (true)
        {
            string name = $"y{_nextTensor++}";
            if (_used.Add(name)) return name;
        }
    }

    /// <summary>Turns text into a name of the language: letters, digits and underscores, not starting with a digit.</summary>
    public static string Sanitize(string text)
    {
        var builder = new StringBuilder();
        foreach (char c in text)
        {
            bool keep = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_';
            builder.Append(keep ? c : '_');
        }
        string name = builder.ToString().Trim('_');
        while (name.Contains("__", StringComparison.Ordinal)) name = name.Replace("__", "_", StringComparison.Ordinal);
        if (name.Length > 0 && char.IsDigit(name[0])) name = "m_" + name;
        return name;
    }

    private string Unique(string candidate)
    {
        if (_used.Add(candidate)) return candidate;
        for (int suffix = 2; ; suffix++)
        {
            string name = $"{candidate}_{suffix}";
            if (_used.Add(name)) return name;
        }
    }

    /// <summary><c>/stage1/reduce/reduce.0/Conv</c> gives <c>stage1_reduce_0</c>; a name that is no module path gives "".</summary>
    private static string ModulePath(string nodeName) => Sanitize(string.Join("_", Scopes(nodeName)));

    /// <summary>
    /// The module path of a node as PyTorch's segments, each without its parent's prefix: <c>/stage1/reduce/reduce.0/Conv</c>
    /// gives [stage1, reduce, 0]; a name that is no module path gives none.
    /// </summary>
    public static string[] Scopes(string nodeName)
    {
        if (!nodeName.StartsWith('/')) return Array.Empty<string>();
        var scopes = nodeName.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var parts = new List<string>();
        string? parent = null;
        foreach (string scope in scopes.Take(scopes.Length - 1))
        {
            parts.Add(parent is not null && scope.StartsWith(parent + ".", StringComparison.Ordinal) ? scope.Substring(parent.Length + 1) : scope);
            parent = scope;
        }
        return parts.ToArray();
    }

    /// <summary>Whether a name is a word of the language, an op's name or the forward input, which no member may take.</summary>
    public static bool IsReserved(string name) => Array.IndexOf(Reserved, name) >= 0;
}
