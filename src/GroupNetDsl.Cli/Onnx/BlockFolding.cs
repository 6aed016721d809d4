using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using GroupNetDsl.Language.Ops;

namespace GroupNetDsl.Cli.Onnx;

/// <summary>
/// One forward statement of an imported network, <c>Output = Expression</c>, and the member it declares
/// (<c>Member = Declaration</c>, or none), from a node of module path <paramref name="Scope"/>.
/// </summary>
public sealed record ImportedLine(string[] Scope, string? Member, string? Declaration, string Output, string Expression);

/// <summary>An imported network's text: block declarations, members and forward statements, and where each layer's weights moved.</summary>
public sealed record FoldedNetwork(IReadOnlyList<string> Blocks, IReadOnlyList<string> Members, IReadOnlyList<string> Statements, string Output, IReadOnlyDictionary<string, string> WeightPrefixes)
{
    public string Text(string networkName, string shape)
    {
        var text = new StringBuilder();
        foreach (string block in Blocks) text.Append(block).Append('\n');
        text.Append("network ").Append(networkName).Append("(input: ").Append(shape).Append(") {\n");
        foreach (string member in Members) text.Append("    ").Append(member).Append('\n');
        text.Append("    forward(x) {\n");
        foreach (string statement in Statements) text.Append("        ").Append(statement).Append('\n');
        text.Append("        return ").Append(Output).Append("\n    }\n}\n");
        return text.ToString();
    }
}

/// <summary>
/// Folds repeated structures of an imported network into blocks, as the PyTorch module was written: the statements of
/// one module instance (all nodes under one module path, in one run, one tensor in and one out) become a call of a
/// block, and instances whose statements are the same but for integers (channels, strides) share one block with the
/// integers that differ as its parameters. The outermost repeated modules fold; the rest stays one member per layer.
/// A layer's weights move from <c>features_2_conv_0_0.weight</c> to <c>features_2.conv_0_0.weight</c>.
/// </summary>
public static class BlockFolding
{
    private static readonly Regex Identifier = new(@"[A-Za-z_][A-Za-z0-9_]*", RegexOptions.CultureInvariant);
    // A whole integer: not part of a name, a decimal (0.001) or an exponent (1e-05).
    private static readonly Regex Integer = new(@"(?<![\w.\-])\d+(?![\w.])", RegexOptions.CultureInvariant);

    /// <summary>The network as translated: one member per layer.</summary>
    public static FoldedNetwork Flat(IReadOnlyList<ImportedLine> lines, string output) =>
        new(Array.Empty<string>(),
            lines.Where(l => l.Member is not null).Select(l => $"{l.Member} = {l.Declaration}").ToList(),
            lines.Select(l => $"{l.Output} = {l.Expression}").ToList(),
            output,
            new Dictionary<string, string>(StringComparer.Ordinal));

    public static FoldedNetwork Fold(IReadOnlyList<ImportedLine> lines, string output, string networkName)
    {
        var tensors = new HashSet<string>(lines.Select(l => l.Output).Append("x"), StringComparer.Ordinal);
        // The last statement that reads each tensor; the network's output is read after all.
        var lastRead = new Dictionary<string, int>(StringComparer.Ordinal) { [output] = int.MaxValue };
        for (int i = 0; i < lines.Count; i++)
        {
            foreach (string tensor in Tensors(lines[i].Expression, tensors)) lastRead[tensor] = Math.Max(lastRead.GetValueOrDefault(tensor, -1), i);
        }
        var members = new HashSet<string>(lines.Where(l => l.Member is not null).Select(l => l.Member!), StringComparer.Ordinal);

        var instances = Instances(lines).Select(run => Describe(lines, run, tensors, lastRead, members)).Where(i => i is not null).Select(i => i!).ToList();
        var chosen = new List<Instance[]>();
        var taken = new bool[lines.Count];
        var blockNames = new HashSet<string>(StringComparer.Ordinal) { networkName };
        // The structure whose folding leaves the fewest forward statements folds first (each instance becomes one call,
        // the block adds its own): ShuffleNetV2's 13 units before its two stages of 4 units, MobileNetV2's inverted
        // residuals with their Add before the Sequential inside them. The outer module before the inner one when they
        // hold the same statements.
        var groups = instances.GroupBy(i => i.Signature, StringComparer.Ordinal).Select(g => g.OrderBy(i => i.Start).ThenBy(i => i.Prefix.Length).ToArray()).ToList();
        while (true)
        {
            var best = groups.Select(g => Available(g, taken)).OrderByDescending(g => g.Length < 2 ? int.MinValue : (g.Length * (g[0].End - g[0].Start - 1)) - (g[0].End - g[0].Start)).ThenBy(g => g.Length == 0 ? int.MaxValue : g[0].Start).FirstOrDefault();
            if (best is null || best.Length < 2) break;
            foreach (var run in best)
            {
                for (int at = run.Start; at < run.End; at++) taken[at] = true;
            }
            chosen.Add(best);
        }
        var folded = chosen.OrderBy(runs => runs[0].Start).Select(runs => (Runs: runs, Shape: Shape(runs, BlockName(runs, blockNames)))).ToList();

        var blocks = new List<string>();
        var memberLines = new List<string>();
        var statements = new List<string>();
        var prefixes = new Dictionary<string, string>(StringComparer.Ordinal);
        var starts = folded.SelectMany(c => c.Runs.Select(run => (run, c.Shape))).ToDictionary(r => r.run.Start);
        foreach (var (_, shape) in folded) blocks.Add(shape.Text);
        for (int i = 0; i < lines.Count;)
        {
            if (starts.TryGetValue(i, out var instance))
            {
                var (run, shape) = instance;
                string arguments = string.Join(", ", shape.Parameters.Select(p => run.Values[p.Position].ToString(CultureInfo.InvariantCulture)));
                memberLines.Add($"{run.Name} = {shape.Name}({arguments})");
                statements.Add($"{run.Output} = {run.Name}({run.Input})");
                foreach (var (member, local) in run.Locals) prefixes[member] = $"{run.Name}.{local}";
                i = run.End;
                continue;
            }
            if (lines[i].Member is not null) memberLines.Add($"{lines[i].Member} = {lines[i].Declaration}");
            statements.Add($"{lines[i].Output} = {lines[i].Expression}");
            i++;
        }
        return new FoldedNetwork(blocks, memberLines, statements, output, prefixes);
    }

    /// <summary>One module instance: statements Start to End - 1, all under module path Prefix.</summary>
    private sealed record Instance(int Start, int End, string[] Prefix, string Name, string Input, string Output, IReadOnlyList<(string Member, string Local)> Locals, string Signature, IReadOnlyList<string> Template, long[] Values, string[] Roles);

    private sealed record BlockParameter(string Name, int Position);

    private sealed record BlockShape(string Name, IReadOnlyList<BlockParameter> Parameters, string Text);

    /// <summary>Each module path's statements, when they form one unbroken run (at every depth).</summary>
    private static IEnumerable<(int Start, int End, string[] Prefix)> Instances(IReadOnlyList<ImportedLine> lines)
    {
        int depth = lines.Count == 0 ? 0 : lines.Max(l => l.Scope.Length);
        for (int d = 1; d <= depth; d++)
        {
            var runs = new List<(int Start, int End, string[] Prefix)>();
            for (int i = 0; i < lines.Count;)
            {
                if (lines[i].Scope.Length < d)
                {
                    i++;
                    continue;
                }
                var prefix = lines[i].Scope.Take(d).ToArray();
                int end = i + 1;
                while (end < lines.Count && lines[end].Scope.Length >= d && lines[end].Scope.Take(d).SequenceEqual(prefix)) end++;
                runs.Add((i, end, prefix));
                i = end;
            }
            // A module whose statements are interleaved with another's is no unit: it does not fold.
            foreach (var run in runs.GroupBy(r => string.Join("/", r.Prefix)).Where(g => g.Count() == 1).Select(g => g.Single())) yield return run;
        }
    }

    /// <summary>The run as a block instance, or null when it is none: more than one tensor in or out, or no layer.</summary>
    private static Instance? Describe(IReadOnlyList<ImportedLine> lines, (int Start, int End, string[] Prefix) run, HashSet<string> tensors, Dictionary<string, int> lastRead, HashSet<string> members)
    {
        var body = lines.Skip(run.Start).Take(run.End - run.Start).ToList();
        if (body.Count < 2 || body.All(l => l.Member is null)) return null;
        var produced = body.Select(l => l.Output).ToList();
        var inputs = body.SelectMany(l => Tensors(l.Expression, tensors)).Where(t => !produced.Contains(t)).Distinct().ToList();
        var outputs = produced.Where(t => lastRead.GetValueOrDefault(t, -1) >= run.End).ToList();
        if (inputs.Count != 1 || outputs.Count != 1) return null;

        string name = ModuleNames.Sanitize(string.Join("_", run.Prefix));
        var outside = members.Except(body.Where(l => l.Member is not null).Select(l => l.Member!));
        if (name.Length == 0 || ModuleNames.IsReserved(name) || outside.Contains(name)) return null;

        // The block's own names: each member without the instance's path, the input x, the tensors y1, y2, ...
        var rename = new Dictionary<string, string>(StringComparer.Ordinal) { [inputs[0]] = "x" };
        var locals = new List<(string Member, string Local)>();
        foreach (var line in body.Where(l => l.Member is not null))
        {
            if (!line.Member!.StartsWith(name + "_", StringComparison.Ordinal)) return null;
            string local = line.Member.Substring(name.Length + 1);
            if (char.IsDigit(local[0])) local = "m_" + local;
            // A module called like an op (ResNet's relu) gets a number, as PyTorch numbers its second and third calls.
            if (ModuleNames.IsReserved(local) || Regex.IsMatch(local, @"^y\d+$")) local += "_0";
            if (rename.ContainsValue(local)) return null;
            rename[line.Member] = local;
            locals.Add((line.Member, local));
        }
        for (int i = 0; i < produced.Count; i++) rename[produced[i]] = $"y{i + 1}";

        var template = new List<string>();
        var values = new List<long>();
        var roles = new List<string>();
        foreach (var line in body)
        {
            if (line.Member is not null) template.Add($"{rename[line.Member]} = {Abstract(Rename(line.Declaration!, rename), values, roles)}");
        }
        template.Add("forward(x) {");
        foreach (var line in body) template.Add($"    {rename[line.Output]} = {Abstract(Rename(line.Expression, rename), values, roles)}");
        template.Add($"    return {rename[outputs[0]]}");
        template.Add("}");
        return new Instance(run.Start, run.End, run.Prefix, name, inputs[0], outputs[0], locals, string.Join("\n", template), template, values.ToArray(), roles.ToArray());
    }

    /// <summary>The block the instances share: an integer that differs between them is a parameter, named after its argument.</summary>
    private static BlockShape Shape(Instance[] runs, string blockName)
    {
        var first = runs[0];
        var parameters = new List<BlockParameter>();
        var text = new string[first.Values.Length];
        var names = new HashSet<string>(first.Locals.Select(l => l.Local), StringComparer.Ordinal) { "x" };
        for (int position = 0; position < first.Values.Length; position++)
        {
            int at = position;
            if (runs.All(r => r.Values[at] == first.Values[at]))
            {
                text[position] = first.Values[position].ToString(CultureInfo.InvariantCulture);
                continue;
            }
            // Two integers equal in every instance are one parameter (the hidden channels of every layer of a block).
            var same = parameters.FirstOrDefault(p => runs.All(r => r.Values[p.Position] == r.Values[at]));
            if (same is null)
            {
                string name = first.Roles[position];
                for (int suffix = 2; names.Contains(name) || ModuleNames.IsReserved(name) || Regex.IsMatch(name, @"^y\d+$"); suffix++) name = $"{first.Roles[position]}_{suffix}";
                names.Add(name);
                same = new BlockParameter(name, position);
                parameters.Add(same);
            }
            text[position] = same.Name;
        }

        var block = new StringBuilder();
        string listed = runs.Length <= 4 ? string.Join(", ", runs.Select(r => r.Name)) : $"{runs[0].Name}, {runs[1].Name}, ..., {runs[runs.Length - 1].Name}";
        block.Append("# ").Append(runs.Length).Append(" modules of one structure: ").Append(listed).Append('\n');
        block.Append("block ").Append(blockName).Append('(').Append(string.Join(", ", parameters.Select(p => p.Name))).Append(") {\n");
        int next = 0;
        foreach (string line in first.Template)
        {
            string filled = Regex.Replace(line, "\u0001", _ => text[next++]);
            block.Append("    ").Append(filled).Append('\n');
        }
        block.Append("}\n");
        return new BlockShape(blockName, parameters, block.ToString());
    }

    /// <summary>A block's name from its instances' parent module: features.2, features.3 give FeaturesBlock.</summary>
    private static string BlockName(Instance[] runs, HashSet<string> used)
    {
        // The nearest enclosing module with a name of letters (MNASNet's layers.8.0 is in layers, not 8).
        string Parent(Instance run) => run.Prefix.Take(run.Prefix.Length - 1).Reverse().Append(run.Prefix[run.Prefix.Length - 1])
            .Select(p => p.TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '-', '_')).FirstOrDefault(p => p.Length > 0) ?? "";
        var parents = runs.Select(Parent).Distinct().ToList();
        string pascal = string.Concat(ModuleNames.Sanitize(parents[0]).Split('_', StringSplitOptions.RemoveEmptyEntries).Select(w => char.ToUpperInvariant(w[0]) + w.Substring(1)));
        if (pascal.Length == 0 || !char.IsAsciiLetter(pascal[0])) pascal = "Module";
        // RegNet's block1, block2 give Block, not BlockBlock.
        string name = pascal.EndsWith("Block", StringComparison.Ordinal) ? pascal : pascal + "Block";
        string unique = name;
        for (int suffix = 2; !used.Add(unique); suffix++) unique = $"{name}{suffix}";
        return unique;
    }

    /// <summary>The instances of a group that no folded block holds yet, without two that overlap.</summary>
    private static Instance[] Available(Instance[] group, bool[] taken)
    {
        var runs = new List<Instance>();
        foreach (var instance in group.Where(i => !Overlaps(i, taken)))
        {
            if (runs.Count == 0 || runs[runs.Count - 1].End <= instance.Start) runs.Add(instance);
        }
        return runs.ToArray();
    }

    private static bool Overlaps(Instance instance, bool[] taken) => Enumerable.Range(instance.Start, instance.End - instance.Start).Any(at => taken[at]);

    private static IEnumerable<string> Tensors(string expression, HashSet<string> tensors) =>
        Identifier.Matches(expression).Select(m => m.Value).Where(tensors.Contains);

    private static string Rename(string text, Dictionary<string, string> rename) =>
        Identifier.Replace(text, m => rename.TryGetValue(m.Value, out string? name) ? name : m.Value);

    /// <summary>Replaces each integer by a mark (U+0001), recording its value and the name of the argument it is.</summary>
    private static string Abstract(string text, List<long> values, List<string> roles) =>
        Integer.Replace(text, m =>
        {
            values.Add(long.Parse(m.Value, CultureInfo.InvariantCulture));
            roles.Add(Role(text, m.Index));
            return "\u0001";
        });

    /// <summary>
    /// The name of the argument at <paramref name="at"/>: a named argument's name (<c>stride: 2</c>), else the op's
    /// parameter at its place among the integer arguments (<c>conv(32, 64, 3)</c>: in_channels, out_channels, kernel_size).
    /// </summary>
    private static string Role(string text, int at)
    {
        var named = Regex.Match(text.Substring(0, at), @"([A-Za-z_][A-Za-z0-9_]*):\s*$");
        if (named.Success) return named.Groups[1].Value;
        int open = text.LastIndexOf('(', at);
        if (open < 0) return "n";
        string op = Identifier.Matches(text.Substring(0, open)).Select(m => m.Value).LastOrDefault() ?? "";
        int place = text.Substring(open + 1, at - open - 1).Split(',').Count(a => Integer.IsMatch(a.Trim()) && Integer.Match(a.Trim()).Length == a.Trim().Length);
        return OpRegistry.TryGet(op, out var descriptor) && place < descriptor.Parameters.Count ? descriptor.Parameters[place].Name : "n";
    }
}
