using System.Text.Json.Serialization;

namespace Portal.Agents.Environment;

/// <summary>
/// Per-feature affine normalisation (x − mean)/std, fitted once on rollouts of a random policy before training and then
/// frozen, so a stored agent sees exactly the inputs it was trained on. Constant features map to 0.
/// </summary>
public sealed record ObservationNormalizer
{
    /// <summary>Creates a normaliser from stored statistics.</summary>
    public ObservationNormalizer(IReadOnlyList<double> mean, IReadOnlyList<double> std)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Count != ExecutionObservation.FeatureCount)
        {
            throw new ArgumentOutOfRangeException(nameof(mean), mean.Count, $"mean must have {ExecutionObservation.FeatureCount} entries.");
        }

        if (std.Count != ExecutionObservation.FeatureCount || std.Any(s => !(s >= 0) || double.IsInfinity(s)))
        {
            throw new ArgumentOutOfRangeException(nameof(std), string.Join(",", std), $"std must have {ExecutionObservation.FeatureCount} finite entries >= 0.");
        }

        Mean = mean.ToArray();
        Std = std.ToArray();
    }

    /// <summary>Feature means, in <see cref="ExecutionObservation.FeatureNames"/> order.</summary>
    public IReadOnlyList<double> Mean { get; }

    /// <summary>Feature standard deviations (0 for a constant feature).</summary>
    public IReadOnlyList<double> Std { get; }

    /// <summary>Feature names the statistics refer to.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> Features => ExecutionObservation.FeatureNames;

    /// <summary>The identity normalisation.</summary>
    public static ObservationNormalizer Identity { get; } =
        new(new double[ExecutionObservation.FeatureCount], Enumerable.Repeat(1.0, ExecutionObservation.FeatureCount).ToArray());

    /// <summary>Fits mean and standard deviation (Welford) to the observations.</summary>
    public static ObservationNormalizer Fit(IEnumerable<ExecutionObservation> observations)
    {
        ArgumentNullException.ThrowIfNull(observations);
        int f = ExecutionObservation.FeatureCount;
        var mean = new double[f];
        var m2 = new double[f];
        Span<double> x = stackalloc double[f];
        long count = 0;
        foreach (var o in observations)
        {
            o.CopyTo(x);
            count++;
            for (int j = 0; j < f; j++)
            {
                double d = x[j] - mean[j];
                mean[j] += d / count;
                m2[j] += d * (x[j] - mean[j]);
            }
        }

        if (count < 2)
        {
            throw new ArgumentException("At least two observations are needed to fit a normaliser.", nameof(observations));
        }

        var std = new double[f];
        for (int j = 0; j < f; j++)
        {
            double s = Math.Sqrt(m2[j] / (count - 1));
            std[j] = s < 1e-9 * Math.Max(1, Math.Abs(mean[j])) ? 0 : s;
        }

        return new ObservationNormalizer(mean, std);
    }

    /// <summary>Writes the normalised features of <paramref name="observation"/> into <paramref name="destination"/>.</summary>
    public void Normalize(in ExecutionObservation observation, Span<float> destination)
    {
        Span<double> x = stackalloc double[ExecutionObservation.FeatureCount];
        observation.CopyTo(x);
        for (int j = 0; j < x.Length; j++)
        {
            double s = Std[j];
            destination[j] = s > 0 ? (float)Math.Clamp((x[j] - Mean[j]) / s, -10, 10) : 0f;
        }
    }

    /// <summary>Normalises raw features already written as floats (e.g. a logged offline dataset's observations).</summary>
    public void Normalize(ReadOnlySpan<float> raw, Span<float> destination)
    {
        for (int j = 0; j < ExecutionObservation.FeatureCount; j++)
        {
            double s = Std[j];
            destination[j] = s > 0 ? (float)Math.Clamp((raw[j] - Mean[j]) / s, -10, 10) : 0f;
        }
    }
}
