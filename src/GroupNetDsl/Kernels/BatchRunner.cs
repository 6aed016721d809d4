using System;
using System.Runtime.CompilerServices;

namespace GroupNetDsl.Kernels;

/// <summary>A generated network as <see cref="BatchRunner"/> sees it; disposing it stops its threads.</summary>
public interface IImageNetwork : IDisposable
{
    /// <summary>
    /// Runs one image of a batch on the calling thread's scratch. Unlike the network's Forward, it does not check
    /// for disposal: the images of a batch that started before Dispose all finish (on a worker thread an exception
    /// would end the process).
    /// </summary>
    /// <param name="input">One image, NCHW.</param>
    /// <param name="output">Its result.</param>
    void ForwardImageOfBatch(ReadOnlySpan<float> input, Span<float> output);
}

/// <summary>Runs the images of a batch on a team's threads, each image whole on the thread that claims it.</summary>
public static class BatchRunner
{
    /// <summary>Runs <paramref name="batchSize"/> images, split among the team's threads when it is free.</summary>
    /// <param name="team">The threads, or null for the calling thread alone.</param>
    /// <param name="network">The network.</param>
    /// <param name="input">batchSize images one after another.</param>
    /// <param name="inputLength">Floats per input image.</param>
    /// <param name="output">batchSize results one after another.</param>
    /// <param name="outputLength">Floats per result.</param>
    /// <param name="batchSize">The number of images.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Run(WorkerTeam? team, IImageNetwork network, ReadOnlySpan<float> input, int inputLength, Span<float> output, int outputLength, int batchSize)
    {
        if (input.Length < (long)batchSize * inputLength || output.Length < (long)batchSize * outputLength) throw new ArgumentException("A span is shorter than the batch.");
        if (team is not null && batchSize > 1 && team.TryAcquire())
        {
            try
            {
                fixed (float* inputPointer = input, outputPointer = output)
                {
                    var work = team.WorkOf<Work>();
                    work.Set(network, inputPointer, inputLength, outputPointer, outputLength, batchSize);
                    // The first batch gives each thread its own images, so that each allocates its buffers for whole
                    // images then (a thread's buffers for a whole image differ from those for its parts of a layer).
                    bool primingBatches = team.BeginPriming(WorkerTeam.BatchCalls);
                    try
                    {
                        team.Run(work);
                    }
                    finally
                    {
                        if (primingBatches) team.EndPriming(WorkerTeam.BatchCalls);
                    }
                    work.Set(null, null, 0, null, 0, 0);
                }
                return;
            }
            finally
            {
                team.Release();
            }
        }
        // One image runs its layers on the team, and its first call primes the team as a one-image Forward does (a batch
        // whose team is busy runs its images here alone).
        bool priming = batchSize == 1 && team is not null && team.BeginPriming(WorkerTeam.LayerCalls);
        try
        {
            for (int image = 0; image < batchSize; image++)
            {
                network.ForwardImageOfBatch(input.Slice(image * inputLength, inputLength), output.Slice(image * outputLength, outputLength));
            }
        }
        finally
        {
            if (priming) team!.EndPriming(WorkerTeam.LayerCalls);
        }
    }

    internal sealed unsafe class Work : TeamWork
    {
        private IImageNetwork? _network;
        private float* _input, _output;
        private int _inputLength, _outputLength, _batchSize;

        public void Set(IImageNetwork? network, float* input, int inputLength, float* output, int outputLength, int batchSize)
        {
            _network = network;
            _input = input;
            _inputLength = inputLength;
            _output = output;
            _outputLength = outputLength;
            _batchSize = batchSize;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override void Execute(int part, int parts)
        {
            // Each image is computed exactly as alone, on whichever thread claims its part. Thread t's own parts hold
            // images t, t + threads, t + 2 threads, ...: every thread has an image of its own in any batch of at least
            // as many images as threads (as the first batch's priming needs), and the images spread evenly.
            int threads = parts / WorkerTeam.PartsPerThread;
            int owner = part / WorkerTeam.PartsPerThread, run = part % WorkerTeam.PartsPerThread;
            for (int image = owner + threads * run; image < _batchSize; image += parts)
            {
                _network!.ForwardImageOfBatch(new ReadOnlySpan<float>(_input + (long)image * _inputLength, _inputLength), new Span<float>(_output + (long)image * _outputLength, _outputLength));
            }
        }
    }
}
