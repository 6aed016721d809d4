using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Rule = GroupNetDsl.Language.Diagnostics.DiagnosticDescriptor;
using RuleSeverity = GroupNetDsl.Language.Diagnostics.DiagnosticSeverity;

namespace GroupNetDsl.Analyzers.Diagnostics;

/// <summary>
/// The language catalog (<see cref="Language.Diagnostics.DiagnosticDescriptors"/>) as Roslyn descriptors.
/// Nothing about a rule is written here: id, title, message format, category, severity and help link all
/// come from the catalog, so the analyzers, the generator's model and the CLI say the same thing.
/// </summary>
public static class RoslynDescriptors
{
    private static readonly Dictionary<string, DiagnosticDescriptor> ById =
        Language.Diagnostics.DiagnosticDescriptors.All.ToDictionary(rule => rule.Id, Create, System.StringComparer.Ordinal);

    /// <summary>Every rule of the catalog, in the catalog's (id) order.</summary>
    public static ImmutableArray<DiagnosticDescriptor> All { get; } =
        Language.Diagnostics.DiagnosticDescriptors.All.Select(rule => ById[rule.Id]).ToImmutableArray();

    /// <summary>The Roslyn descriptor of a catalog rule.</summary>
    public static DiagnosticDescriptor For(Rule rule) => ById[rule.Id];

    private static DiagnosticDescriptor Create(Rule rule) =>
        new(
            rule.Id,
            rule.Title,
            rule.MessageFormat,
            rule.Category,
            ToRoslyn(rule.DefaultSeverity),
            isEnabledByDefault: true,
            helpLinkUri: rule.HelpLink);

    private static DiagnosticSeverity ToRoslyn(RuleSeverity severity) => severity switch
    {
        RuleSeverity.Error => DiagnosticSeverity.Error,
        RuleSeverity.Warning => DiagnosticSeverity.Warning,
        _ => DiagnosticSeverity.Info,
    };
}
