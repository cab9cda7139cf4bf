using Portal.Application.Reports;
using Portal.Web.Features.Reports;

namespace Portal.Web.Tests.Reports;

public class RunReportFilesTests
{
    [Fact]
    public void File_names_are_the_title_as_a_slug_followed_by_the_run_id_prefix()
    {
        var report = ReportSamples.SixStrategies();

        Assert.Equal("liquid-large-cap-schedule-comparison-6f1c2b9e.pdf", RunReportFiles.Pdf(report));
        Assert.Equal("liquid-large-cap-schedule-comparison-6f1c2b9e-summary.csv", RunReportFiles.SummaryCsv(report));
        Assert.Equal("liquid-large-cap-schedule-comparison-6f1c2b9e-episodes.csv", RunReportFiles.EpisodesCsv(report));
    }

    [Theory]
    [InlineData("Évaluation : régime volatil", "évaluation-régime-volatil-6f1c2b9e.pdf")]
    [InlineData("\"; filename=evil.exe\r\n", "filename-evil-exe-6f1c2b9e.pdf")]
    [InlineData("=HYPERLINK(\"x\")", "hyperlink-x-6f1c2b9e.pdf")]
    [InlineData("日本語", "日本語-6f1c2b9e.pdf")]
    [InlineData("***", "run-6f1c2b9e.pdf")]
    public void File_names_keep_only_lower_case_letters_digits_and_hyphens(string title, string expected) =>
        Assert.Equal(expected, RunReportFiles.Pdf(ReportSamples.SixStrategies(title: title)));

    [Fact]
    public void Long_titles_are_shortened()
    {
        var name = RunReportFiles.Pdf(ReportSamples.SixStrategies(title: string.Join(' ', Enumerable.Repeat("word", 100))));

        Assert.True(name.Length <= 60 + "-6f1c2b9e.pdf".Length, name);
        Assert.EndsWith("-6f1c2b9e.pdf", name, StringComparison.Ordinal);
        Assert.DoesNotContain("--", name, StringComparison.Ordinal);
    }
}
