using Portal.Application.Reports;

namespace Portal.Application.Tests.Reports;

/// <summary>The one histogram rule the run page and the PDF share.</summary>
public sealed class CostHistogramTests
{
    [Fact]
    public void Bins_span_the_pooled_0_1st_to_99_9th_percentile_and_tails_fall_into_the_end_bins()
    {
        // 0..999 in one strategy and 1000..1999 in another: pooled 2,000 values; index floor(0.001·1999) = 1 and
        // ceil(0.999·1999) = 1998 bound the span.
        IReadOnlyList<double> a = [.. Enumerable.Range(0, 1000).Select(i => (double)i)];
        IReadOnlyList<double> b = [.. Enumerable.Range(1000, 1000).Select(i => (double)i)];

        var scale = CostHistogram.For([a, b]);

        Assert.NotNull(scale);
        Assert.Equal(1.0, scale.LowBps);
        Assert.Equal(1998.0, scale.HighBps, 9);
        Assert.Equal(CostHistogram.DefaultBins, scale.Bins);
        var shares = scale.Shares(a);
        Assert.Equal(100.0, shares.Sum(), 9);
        // a fills the lower half of the span only; 0 (below the span) counts in the first bin.
        Assert.Equal(0.0, shares.Skip(scale.Bins / 2 + 1).Sum(), 9);
        Assert.True(shares[0] > shares[1]);
        Assert.Equal(shares.Max(), scale.PeakShare, 9);
    }

    [Fact]
    public void A_constant_cost_gets_a_one_bp_span_and_no_sample_gets_no_bins()
    {
        var scale = CostHistogram.For([[5.0, 5.0, 5.0]]);

        Assert.NotNull(scale);
        Assert.Equal((4.5, 5.5), (scale.LowBps, scale.HighBps));
        Assert.Equal(100.0, scale.Shares([5.0, 5.0, 5.0]).Max(), 9);
        Assert.Null(CostHistogram.For([[], [double.NaN]]));
        Assert.Throws<ArgumentOutOfRangeException>("bins", () => CostHistogram.For([[1.0]], bins: 0));
    }
}
