using System.Collections.Generic;

namespace GroupNetDsl.Language.Model;

/// <summary>The state_dict entries each op owns, named and shaped exactly as PyTorch saves them.</summary>
public static class WeightLayout
{
    public static IEnumerable<WeightTensor> For(string path, Operation operation)
    {
        switch (operation)
        {
            case Conv2dOp conv:
                yield return Tensor(path, "weight", WeightRole.Parameter, conv.OutChannels, conv.InChannelsPerGroup, conv.KernelSize, conv.KernelSize);
                if (conv.Bias) yield return Tensor(path, "bias", WeightRole.Parameter, conv.OutChannels);
                break;
            case BatchNorm2dOp norm:
                yield return Tensor(path, "weight", WeightRole.Parameter, norm.NumFeatures);
                yield return Tensor(path, "bias", WeightRole.Parameter, norm.NumFeatures);
                yield return Tensor(path, "running_mean", WeightRole.Buffer, norm.NumFeatures);
                yield return Tensor(path, "running_var", WeightRole.Buffer, norm.NumFeatures);
                yield return Tensor(path, "num_batches_tracked", WeightRole.Ignored);
                break;
            case LinearOp linear:
                yield return Tensor(path, "weight", WeightRole.Parameter, linear.OutFeatures, linear.InFeatures);
                if (linear.Bias) yield return Tensor(path, "bias", WeightRole.Parameter, linear.OutFeatures);
                break;
        }
    }

    public static string Key(string path, string name) => path.Length == 0 ? name : path + "." + name;

    private static WeightTensor Tensor(string path, string name, WeightRole role, params int[] shape) =>
        new(Key(path, name), new EquatableArray<int>(shape), role);
}
