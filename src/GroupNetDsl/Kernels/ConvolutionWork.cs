using System;

namespace GroupNetDsl.Kernels;

/// <summary>A convolution's arguments as pointers, so that a team's threads can each run a share of it.</summary>
internal abstract unsafe class ConvolutionWork : TeamWork
{
    private float* _input, _weight, _bias, _residual, _output, _rowSums;
    private int _inputLength, _weightLength, _biasLength, _residualLength, _outputLength, _rowSumsLength;

    protected ConvolutionShape Shape { get; private set; }

    protected ConvolutionPlan Plan { get; private set; }

    protected Activation Activation { get; private set; }

    protected ReadOnlySpan<float> Input => new(_input, _inputLength);

    protected ReadOnlySpan<float> Weight => new(_weight, _weightLength);

    protected ReadOnlySpan<float> Bias => new(_bias, _biasLength);

    protected ReadOnlySpan<float> Residual => new(_residual, _residualLength);

    protected Span<float> Output => new(_output, _outputLength);

    /// <summary>Where each output row's sum goes for a fused pool, or empty.</summary>
    protected Span<float> RowSums => new(_rowSums, _rowSumsLength);

    /// <summary>Throws unless every span is as long as the sizes require.</summary>
    public static void CheckLengths(in ConvolutionShape shape, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, int weightLength,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, Span<float> output)
    {
        long outputLength = (long)shape.OutChannels * shape.OutputHeight * shape.OutputWidth;
        if (input.Length < (long)shape.InChannels * shape.Height * shape.Width || output.Length < outputLength || weight.Length < weightLength
            || (bias.Length != 0 && bias.Length < shape.OutChannels) || (residual.Length != 0 && residual.Length < outputLength))
        {
            throw new ArgumentException("A span is shorter than the sizes require.");
        }
    }

    /// <summary>
    /// Runs a <typeparamref name="TWork"/> over the arguments on the team's threads when there is a team and it is
    /// free; false (nothing done) otherwise.
    /// </summary>
    public static bool TryRun<TWork>(WorkerTeam? team, in ConvolutionShape shape, in ConvolutionPlan plan, ReadOnlySpan<float> input, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, Activation activation, Span<float> output, Span<float> rowSums)
        where TWork : ConvolutionWork, new()
    {
        if (team is null || !team.TryAcquire()) return false;
        try
        {
            fixed (float* inputPointer = input, weightPointer = weight, biasPointer = bias, residualPointer = residual, outputPointer = output, rowSumsPointer = rowSums)
            {
                var work = team.WorkOf<TWork>();
                work.Set(shape, plan, inputPointer, input.Length, weightPointer, weight.Length, biasPointer, bias.Length,
                    residualPointer, residual.Length, activation, outputPointer, output.Length, rowSumsPointer, rowSums.Length);
                team.Run(work);
            }
            return true;
        }
        finally
        {
            team.Release();
        }
    }

    /// <summary>Points at the arguments; they must stay fixed until the team has run the work.</summary>
    private void Set(in ConvolutionShape shape, in ConvolutionPlan plan, float* input, int inputLength, float* weight, int weightLength, float* bias, int biasLength,
        float* residual, int residualLength, Activation activation, float* output, int outputLength, float* rowSums, int rowSumsLength)
    {
        Shape = shape;
        Plan = plan;
        _input = input;
        _inputLength = inputLength;
        _weight = weight;
        _weightLength = weightLength;
        _bias = bias;
        _biasLength = biasLength;
        _residual = residual;
        _residualLength = residualLength;
        Activation = activation;
        _output = output;
        _outputLength = outputLength;
        _rowSums = rowSums;
        _rowSumsLength = rowSumsLength;
    }
}
