using System;
using System.Collections.Generic;

namespace GroupNetDsl.Weights;

/// <summary>
/// Hands a network its weights from a <see cref="SafeTensorsFile"/> while keeping count: each tensor is taken
/// with the shape the network expects, and at the end <see cref="EnsureNoUnexpectedKeys"/> proves that the file
/// held nothing the network did not use. Generated networks create one per load and call it layer by layer.
/// </summary>
/// <remarks>
/// <para>
/// Keys ending in <c>.num_batches_tracked</c> (see <see cref="IsIgnoredAutomatically"/>) never count as
/// unexpected: PyTorch's batch normalization stores this training-step counter in every state dict, and it
/// has no effect on inference. They can still be taken or ignored explicitly.
/// </para>
/// <para>Not thread-safe: one loader serves one load on one thread.</para>
/// </remarks>
public sealed class WeightLoader
{
    /// <summary>The suffix of the keys that are ignored without being asked: PyTorch's batch-norm step counter.</summary>
    public const string BatchNormStepCounterSuffix = WeightKeyRules.BatchNormStepCounterSuffix;

    private readonly HashSet<string> _taken = new(StringComparer.Ordinal);
    private readonly HashSet<string> _ignored = new(StringComparer.Ordinal);

    /// <summary>Creates a loader over an opened file.</summary>
    /// <param name="weightFile">The validated weights.</param>
    public WeightLoader(SafeTensorsFile weightFile)
    {
        ArgumentNullException.ThrowIfNull(weightFile);
        WeightFile = weightFile;
    }

    /// <summary>The file the weights come from.</summary>
    public SafeTensorsFile WeightFile { get; }

    /// <summary>Opens the safetensors file at <paramref name="path"/> and creates a loader over it.</summary>
    /// <param name="path">The file to read.</param>
    /// <returns>A loader that has taken nothing yet.</returns>
    /// <exception cref="WeightFileException">The file is missing, unreadable or not a valid safetensors file.</exception>
    public static WeightLoader Open(string path) => new(SafeTensorsFile.Open(path));

    /// <summary>Whether <paramref name="key"/> is ignored without an <see cref="Ignore"/> call.</summary>
    /// <param name="key">A tensor key.</param>
    /// <returns><see langword="true"/> for keys ending in <see cref="BatchNormStepCounterSuffix"/>.</returns>
    public static bool IsIgnoredAutomatically(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return WeightKeyRules.IsIgnoredAutomatically(key);
    }

    /// <summary>Whether the file has a tensor named <paramref name="key"/>.</summary>
    /// <param name="key">A tensor key.</param>
    /// <returns><see langword="true"/> when the file lists it.</returns>
    public bool Contains(string key) => WeightFile.Contains(key);

    /// <summary>Reads a floating-point tensor as <see cref="float"/> after checking its shape, and records it as used.</summary>
    /// <param name="key">The tensor's key, for example <c>stem.0.weight</c>.</param>
    /// <param name="expectedShape">The shape the network needs, outermost first (PyTorch order).</param>
    /// <returns>The values in row-major order.</returns>
    /// <exception cref="WeightFileException">
    /// The tensor is missing, has another shape, or is not of a floating-point dtype.
    /// </exception>
    public float[] Take(string key, params ReadOnlySpan<int> expectedShape)
    {
        Find(key, expectedShape);
        var values = WeightFile.ReadFloat32(key);
        _taken.Add(key);
        return values;
    }

    /// <summary>Like <see cref="Take"/>, but writes into memory the network already owns.</summary>
    /// <param name="key">The tensor's key.</param>
    /// <param name="expectedShape">The shape the network needs, outermost first.</param>
    /// <param name="destination">Exactly as many elements as <paramref name="expectedShape"/> describes.</param>
    /// <exception cref="WeightFileException">
    /// The tensor is missing, has another shape, or is not of a floating-point dtype.
    /// </exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> has the wrong length.</exception>
    public void TakeInto(string key, ReadOnlySpan<int> expectedShape, Span<float> destination)
    {
        Find(key, expectedShape);
        WeightFile.ReadFloat32(key, destination);
        _taken.Add(key);
    }

    /// <summary>
    /// Marks a tensor as deliberately unused so that <see cref="EnsureNoUnexpectedKeys"/> accepts it. Ignoring a
    /// key the file does not have is allowed, so a network can ignore optional tensors unconditionally.
    /// </summary>
    /// <param name="key">The tensor's key.</param>
    public void Ignore(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        _ignored.Add(key);
    }

    /// <summary>
    /// The keys that have been neither taken nor ignored (explicitly or automatically) so far, in the order the
    /// file lists them.
    /// </summary>
    /// <returns>The keys still unaccounted for.</returns>
    public IReadOnlyList<string> GetUnusedKeys()
    {
        var unused = new List<string>();
        foreach (var tensor in WeightFile.Tensors)
        {
            string key = tensor.Name;
            if (!_taken.Contains(key) && !_ignored.Contains(key) && !IsIgnoredAutomatically(key)) unused.Add(key);
        }
        return unused;
    }

    /// <summary>
    /// Throws when the file has tensors that were neither taken nor ignored: a sign that the file belongs to
    /// another architecture, or that the network misses a layer. Call it after the last <see cref="Take"/>.
    /// </summary>
    /// <exception cref="WeightFileException">
    /// Lists every unused key in file order; <see cref="WeightFileException.Key"/> is the first one.
    /// </exception>
    public void EnsureNoUnexpectedKeys()
    {
        var unused = GetUnusedKeys();
        if (unused.Count > 0) throw WeightFileErrors.UnexpectedTensors(WeightFile.SourceName, unused);
    }

    private SafeTensorInfo Find(string key, ReadOnlySpan<int> expectedShape)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!WeightFile.TryGet(key, out var tensor)) throw WeightFileErrors.MissingTensor(WeightFile.SourceName, key, expectedShape, WeightFile.FindKeyPrefix(key));
        if (!tensor.HasShape(expectedShape)) throw WeightFileErrors.ShapeMismatch(WeightFile.SourceName, tensor, expectedShape);
        return tensor;
    }
}
