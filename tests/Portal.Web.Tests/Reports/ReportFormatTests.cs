using Portal.Application.Reports;
using Portal.Web.Features.Reports;

namespace Portal.Web.Tests.Reports;

public class ReportFormatTests
{
    [Theory]
    [InlineData(12.5, "12.50")]
    [InlineData(-1.5, "-1.50")]
    [InlineData(-0.004, "0.00")]
    [InlineData(1234.5678, "1234.57")]
    [InlineData(double.NaN, "n/a")]
    [InlineData(double.NegativeInfinity, "n/a")]
    public void Basis_points_have_two_decimals_an_ascii_minus_and_no_negative_zero(double value, string expected) =>
        Assert.Equal(expected, ReportFormat.Bps(value));

    [Fact]
    public void Absent_values_and_intervals_read_as_not_applicable()
    {
        Assert.Equal("–", ReportFormat.Bps((double?)null));
        Assert.Equal("–", ReportFormat.Interval(null, 1.0));
        Assert.Equal("[-1.25, 0.75]", ReportFormat.Interval((double?)-1.25, 0.75));
        Assert.Equal("n/a", ReportFormat.Interval(double.NaN, 0.75));
    }

    [Theory]
    [InlineData(0.5, "50.0%")]
    [InlineData(1.0, "100.0%")]
    [InlineData(0.0, "0.0%")]
    [InlineData(double.NaN, "n/a")]
    public void Fractions_read_as_percentages(double fraction, string expected) =>
        Assert.Equal(expected, ReportFormat.Percent(fraction));

    [Fact]
    public void Money_counts_and_times_are_culture_invariant()
    {
        Assert.Equal("-12,345.60", ReportFormat.Currency(-12345.6));
        Assert.Equal("1,000,000", ReportFormat.Count(1_000_000));
        Assert.Equal("2026-11-20 09:05:03 UTC", ReportFormat.Utc(new DateTime(2026, 11, 20, 9, 5, 3, DateTimeKind.Utc)));
    }
}
