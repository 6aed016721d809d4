using GroupNetDsl.Language.Attributes;
using GroupNetDsl.Language.Model;
using GroupNetDsl.Language.Text;

namespace GroupNetDsl.Language.Targets;

/// <summary>
/// What a [GroupNet] class declares, as the attribute reader found it: an equatable model with no Roslyn symbols or
/// syntax in it. <see cref="Location"/> (the class name) is for diagnostics only; <see cref="CodeTargets"/> decides
/// from the rest whether the class gets code.
/// </summary>
public sealed record NetworkClass(
    string? Namespace,
    string ClassName,
    string FullName,
    bool IsPartial,
    bool IsNested,
    bool IsGeneric,
    bool IsStatic,
    string? BoundNetwork,
    AttributeNetwork? Attributes,
    SourceLocation Location,
    EquatableArray<string> MemberNames);
