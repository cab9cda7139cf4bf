using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Portal.Domain.Backtesting;

/// <summary>
/// Exact order statistics (percentiles, CVaR) of unsorted values, found without sorting or reordering them: a run's
/// summary reads five of them from each strategy's 100,000 costs.
/// </summary>
/// <remarks>
/// <para>
/// <b>Method.</b> One pass finds the minimum m and maximum M; a second counts the values in B equal-width buckets,
/// b(x) = min(⌊(x − m)·B/(M − m)⌋, B − 1); the running counts give the bucket that holds each wanted rank; a third pass
/// copies the values of those few buckets (in index order), and a selection (<see cref="Statistics.Select"/>) within each
/// finds the rank. This is the bucket step of distribution-based selection (Floyd and Rivest, "Expected time bounds for
/// selection", CACM 18(3), 1975, §2, with the sample replaced by the values' range; Knuth, TAOCP vol. 3, §5.3.3).
/// </para>
/// <para>
/// <b>Why it is exact.</b> x ↦ b(x) is non-decreasing in floating point: x − m, the product by a positive constant, the
/// minimum with B − 1 and the truncation to an integer are each monotone under round-to-nearest. So a value in a lower
/// bucket is never larger than one in a higher bucket, and the k-th smallest value is the (k − c)-th smallest of its bucket,
/// with c the count of the buckets below: the same number, bit for bit, as a selection or a sort of all the values.
/// Values that are not all finite (NaN, ±∞) go through a selection on a copy, as before.
/// </para>
/// <para>
/// <b>CVaR.</b> The mean of the worst (largest) t = ⌈(1 − level)·n⌉ values: with v the value of rank n − t, the values
/// above v summed in index order, plus v once for each tie that completes the t. The sum's order is the values' own, so
/// the last bits never depend on how a selection happened to arrange a copy.
/// </para>
/// </remarks>
public static class OrderStatistics
{
    /// <summary>Below this many values a selection on a copy is as fast as the buckets.</summary>
    private const int SmallCount = 512;

    /// <summary>
    /// The values of ranks <paramref name="ranks"/> (0 = smallest) of <paramref name="values"/>, which is not changed.
    /// </summary>
    /// <param name="values">The values; any order.</param>
    /// <param name="ranks">Ranks in [0, n), in ascending order (repeats allowed).</param>
    /// <param name="result">Receives the value of each rank, aligned with <paramref name="ranks"/>.</param>
    /// <exception cref="ArgumentException">A rank is out of range or out of order, or <paramref name="result"/> is shorter
    /// than <paramref name="ranks"/>.</exception>
    public static void Select(ReadOnlySpan<double> values, ReadOnlySpan<int> ranks, Span<double> result)
    {
        int n = values.Length;
        if (result.Length < ranks.Length) throw new ArgumentException($"{ranks.Length} ranks need as many results; got room for {result.Length}.", nameof(result));
        for (int j = 0; j < ranks.Length; j++)
        {
            if ((uint)ranks[j] >= (uint)n) throw new ArgumentException($"Rank {ranks[j]} is outside [0, {n}).", nameof(ranks));
            if (j > 0 && ranks[j] < ranks[j - 1]) throw new ArgumentException($"Ranks must ascend; {ranks[j]} follows {ranks[j - 1]}.", nameof(ranks));
        }

        if (ranks.IsEmpty) return;
        var (lo, hi, finite) = Range(values);
        if (n <= SmallCount || !finite || lo == hi)
        {
            if (finite && lo == hi)
            {
                result[..ranks.Length].Fill(lo);
                return;
            }

            SelectOnCopy(values, ranks, result);
            return;
        }

        int buckets = Math.Clamp(n / 8, 64, 1 << 16);
        double scale = buckets / (hi - lo);
        double top = buckets - 1;
        int[] counts = ArrayPool<int>.Shared.Rent(buckets);
        int[] bucketIndex = ArrayPool<int>.Shared.Rent(n);
        try
        {
            var count = counts.AsSpan(0, buckets);
            count.Clear();
            var index = bucketIndex.AsSpan(0, n);
            Buckets(values, lo, scale, top, index);
            foreach (int k in index) count[k]++;

            // The bucket of each rank and the count below it; the wanted buckets (at most one per rank) then get a slot
            // in the copy, marked in the counts as −(slot + 1).
            Span<int> bucketOf = ranks.Length <= 32 ? stackalloc int[ranks.Length] : new int[ranks.Length];
            Span<int> below = ranks.Length <= 32 ? stackalloc int[ranks.Length] : new int[ranks.Length];
            int b = 0, cumulative = 0;
            for (int j = 0; j < ranks.Length; j++)
            {
                while (cumulative + count[b] <= ranks[j])
                {
                    cumulative += count[b];
                    b++;
                }

                bucketOf[j] = b;
                below[j] = cumulative;
            }

            Span<int> slotStart = ranks.Length <= 32 ? stackalloc int[ranks.Length + 1] : new int[ranks.Length + 1];
            Span<int> slotBucket = ranks.Length <= 32 ? stackalloc int[ranks.Length] : new int[ranks.Length];
            int slots = 0, gathered = 0;
            for (int j = 0; j < ranks.Length; j++)
            {
                if (slots > 0 && slotBucket[slots - 1] == bucketOf[j]) continue;
                slotBucket[slots] = bucketOf[j];
                slotStart[slots] = gathered;
                gathered += count[bucketOf[j]];
                slots++;
            }

            slotStart[slots] = gathered;
            for (int s = 0; s < slots; s++) count[slotBucket[s]] = -(s + 1);
            double[] copy = ArrayPool<double>.Shared.Rent(gathered);
            try
            {
                Span<int> next = stackalloc int[slots];
                for (int s = 0; s < slots; s++) next[s] = slotStart[s];
                for (int i = 0; i < n; i++)
                {
                    int mark = count[index[i]];
                    if (mark < 0) copy[next[-mark - 1]++] = values[i];
                }

                int slot = 0;
                for (int j = 0; j < ranks.Length; j++)
                {
                    while (slotBucket[slot] != bucketOf[j]) slot++;
                    var bucket = copy.AsSpan(slotStart[slot], slotStart[slot + 1] - slotStart[slot]);
                    result[j] = Statistics.Select(bucket, ranks[j] - below[j]);
                }
            }
            finally
            {
                ArrayPool<double>.Shared.Return(copy);
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(bucketIndex);
            ArrayPool<int>.Shared.Return(counts);
        }
    }

    /// <summary>Percentile p ∈ [0, 1] (type 7: linear between the order statistics around (n − 1)·p), the same number as
    /// <see cref="Statistics.Percentile"/> and <see cref="Statistics.PercentileSorted"/>; 0 for no values.</summary>
    public static double Percentile(ReadOnlySpan<double> values, double p)
    {
        if (values.IsEmpty) return 0;
        Span<int> ranks = stackalloc int[2];
        Span<double> found = stackalloc double[2];
        int count = AddPercentileRanks(values.Length, p, ranks);
        Select(values, ranks[..count], found);
        return Interpolate(values.Length, p, found);
    }

    /// <summary>The summary's percentiles (5, 50, 95, 99) and CVaR at 95% in one set of passes; zeros for no values.</summary>
    public static Tails Summary(ReadOnlySpan<double> values)
    {
        int n = values.Length;
        if (n == 0) return default;
        ReadOnlySpan<double> levels = [0.05, 0.50, 0.95, 0.99];
        Span<int> ranks = stackalloc int[9];
        Span<double> found = stackalloc double[9];
        int count = 0;
        foreach (double p in levels) count += AddPercentileRanks(n, p, ranks[count..]);
        int tail = CvarTail(n, 0.95);
        ranks[count++] = n - tail;
        ranks[..count].Sort();
        Select(values, ranks[..count], found);
        ReadOnlySpan<int> sorted = ranks[..count];
        return new Tails(
            Level(n, 0.05, sorted, found), Level(n, 0.50, sorted, found), Level(n, 0.95, sorted, found), Level(n, 0.99, sorted, found),
            TailMean(values, found[sorted.BinarySearch(n - tail)], tail));
    }

    /// <summary>A type-7 percentile from order statistics found at <paramref name="ranks"/>.</summary>
    private static double Level(int n, double p, ReadOnlySpan<int> ranks, ReadOnlySpan<double> found)
    {
        Span<double> pair = stackalloc double[2];
        double h = (n - 1) * p;
        int lo = (int)Math.Floor(h);
        pair[0] = found[ranks.BinarySearch(lo)];
        if (lo + 1 < n && h != lo) pair[1] = found[ranks.BinarySearch(lo + 1)];
        return Interpolate(n, p, pair);
    }

    /// <summary>CVaR: the mean of the worst (largest) ⌈(1 − level)·n⌉ values (at least one); 0 for no values.</summary>
    public static double Cvar(ReadOnlySpan<double> values, double level = 0.95)
    {
        int n = values.Length;
        if (n == 0) return 0;
        int tail = CvarTail(n, level);
        Span<double> found = stackalloc double[1];
        Select(values, [n - tail], found);
        return TailMean(values, found[0], tail);
    }

    /// <summary>Values in the tail of a CVaR at <paramref name="level"/> among <paramref name="n"/>.</summary>
    private static int CvarTail(int n, double level) => Math.Max(1, (int)Math.Ceiling((1 - level) * n - 1e-9));

    /// <summary>Mean of the <paramref name="tail"/> largest values, the smallest of which is <paramref name="threshold"/>:
    /// the values above it in index order, then the threshold once per tie that completes the tail.</summary>
    private static double TailMean(ReadOnlySpan<double> values, double threshold, int tail)
    {
        double sum = 0;
        int above = 0;
        foreach (double x in values)
        {
            bool over = x > threshold;
            sum += over ? x : 0;
            above += over ? 1 : 0;
        }

        return (sum + (tail - above) * threshold) / tail;
    }

    /// <summary>Writes the one or two ranks a type-7 percentile interpolates between; returns how many.</summary>
    private static int AddPercentileRanks(int n, double p, Span<int> ranks)
    {
        double h = (n - 1) * p;
        int lo = (int)Math.Floor(h);
        ranks[0] = lo;
        if (lo + 1 >= n || h == lo) return 1;
        ranks[1] = lo + 1;
        return 2;
    }

    /// <summary>The percentile from the order statistics <see cref="AddPercentileRanks"/> asked for.</summary>
    private static double Interpolate(int n, double p, ReadOnlySpan<double> found)
    {
        double h = (n - 1) * p;
        int lo = (int)Math.Floor(h);
        double a = found[0];
        if (lo + 1 >= n || h == lo) return a;
        return a + (h - lo) * (found[1] - a);
    }

    /// <summary>b(x) = min(⌊(x − lo)·scale⌋, top) of every value, four at a time where the processor can: the same
    /// operations lane by lane (a subtraction, a product, a minimum, a truncation), so the same buckets.</summary>
    private static void Buckets(ReadOnlySpan<double> values, double lo, double scale, double top, Span<int> index)
    {
        int n = values.Length, i = 0;
        ref double x0 = ref MemoryMarshal.GetReference(values);
        if (Avx.IsSupported)
        {
            var vlo = Vector256.Create(lo);
            var vscale = Vector256.Create(scale);
            var vtop = Vector256.Create(top);
            ref int k0 = ref MemoryMarshal.GetReference(index);
            for (; i <= n - 4; i += 4)
            {
                var y = Vector256.Min((Vector256.LoadUnsafe(ref x0, (nuint)i) - vlo) * vscale, vtop);
                Avx.ConvertToVector128Int32WithTruncation(y).StoreUnsafe(ref k0, (nuint)i);
            }
        }

        for (; i < n; i++) index[i] = (int)Math.Min((Unsafe.Add(ref x0, i) - lo) * scale, top);
    }

    /// <summary>Minimum, maximum, and whether every value is finite.</summary>
    private static (double Min, double Max, bool Finite) Range(ReadOnlySpan<double> values)
    {
        int n = values.Length, i = 0;
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        bool finite = true;
        ref double x0 = ref MemoryMarshal.GetReference(values);
        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            var vlo = Vector256.Create(double.PositiveInfinity);
            var vhi = Vector256.Create(double.NegativeInfinity);
            // |x| ≤ double.MaxValue is false for NaN and ±∞ alike.
            var max = Vector256.Create(double.MaxValue);
            var ok = Vector256<double>.AllBitsSet;
            for (; i <= n - 4; i += 4)
            {
                var v = Vector256.LoadUnsafe(ref x0, (nuint)i);
                vlo = Vector256.Min(vlo, v);
                vhi = Vector256.Max(vhi, v);
                ok &= Vector256.LessThanOrEqual(Vector256.Abs(v), max);
            }

            finite = ok.ExtractMostSignificantBits() == 0b1111;
            for (int k = 0; k < 4; k++)
            {
                lo = Math.Min(lo, vlo[k]);
                hi = Math.Max(hi, vhi[k]);
            }
        }

        for (; i < n; i++)
        {
            double x = Unsafe.Add(ref x0, i);
            finite &= double.IsFinite(x);
            lo = Math.Min(lo, x);
            hi = Math.Max(hi, x);
        }

        return (lo, hi, finite && double.IsFinite(hi - lo));
    }

    /// <summary>The ranks by selections on a copy (few values, or values that are not all finite).</summary>
    private static void SelectOnCopy(ReadOnlySpan<double> values, ReadOnlySpan<int> ranks, Span<double> result)
    {
        double[] copy = ArrayPool<double>.Shared.Rent(values.Length);
        try
        {
            var work = copy.AsSpan(0, values.Length);
            values.CopyTo(work);
            for (int j = 0; j < ranks.Length; j++) result[j] = Statistics.Select(work, ranks[j]);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(copy);
        }
    }
}

/// <summary>The percentiles and tail mean a strategy's summary reports.</summary>
/// <param name="P5">5th percentile.</param>
/// <param name="P50">Median.</param>
/// <param name="P95">95th percentile.</param>
/// <param name="P99">99th percentile.</param>
/// <param name="Cvar95">Mean of the worst 5%.</param>
public readonly record struct Tails(double P5, double P50, double P95, double P99, double Cvar95);
