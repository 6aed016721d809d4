using System;
using System.Collections.Generic;

namespace GroupNetDsl.Weights;

/// <summary>
/// The rules that match a weight file's keys and dtypes to a network, in one place for the runtime's loader, <c>gnet
/// verify</c> and the build-time check of declared weights (this file is compiled into GroupNetDsl.Language too).
/// </summary>
internal static class WeightKeyRules
{
    /// <summary>The suffix of the keys that are ignored without being asked: PyTorch's batch-norm step counter.</summary>
    public const string BatchNormStepCounterSuffix = ".num_batches_tracked";

    /// <summary>The dtypes the loader converts to float32, in the order messages list them.</summary>
    public static readonly string[] FloatFormatNames = { "F32", "F16", "BF16", "F64" };

    /// <summary>Whether a key never counts as unexpected: the step counter has no effect on inference.</summary>
    public static bool IsIgnoredAutomatically(string key) => key.EndsWith(BatchNormStepCounterSuffix, StringComparison.Ordinal);

    /// <summary>Whether the loader can read a tensor of this header dtype (such as <c>F16</c>) as float32.</summary>
    public static bool CanReadAsFloat32(string formatName) => Array.IndexOf(FloatFormatNames, formatName) >= 0;

    /// <summary>
    /// The prefix a file puts before <paramref name="key"/> when it lacks the key but has it under a prefix, as a
    /// wrapper saves it (<c>module.</c> from DataParallel, <c>model.</c> from a training framework): the part before
    /// the first name that ends with "." + key. Null when there is none.
    /// </summary>
    public static string? FindKeyPrefix(string key, IEnumerable<string> names)
    {
        foreach (string name in names)
        {
            if (name.Length > key.Length + 1 && name.EndsWith(key, StringComparison.Ordinal) && name[name.Length - key.Length - 1] == '.')
            {
                return name.Substring(0, name.Length - key.Length);
            }
        }
        return null;
    }

    /// <summary>The fix for keys saved under a wrapper's prefix, as <c>Load</c>, <c>gnet verify</c> and the build say it.</summary>
    public static string StripPrefixFix(string prefix) =>
        $"Save the state_dict without '{prefix}' (python/gnet_safetensors.py's save_state_dict strips 'module.' and 'model.'; docs/from-pytorch.md).";
}
