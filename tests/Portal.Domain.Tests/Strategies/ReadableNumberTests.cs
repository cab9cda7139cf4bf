using Portal.Domain.Scenarios;
using Portal.Domain.Strategies;
using Portal.Domain.Strategies.Baselines;

namespace Portal.Domain.Tests.Strategies;

public class ReadableNumberTests
{
    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(1e-6, "1×10⁻⁶")]
    [InlineData(2.5e-7, "2.5×10⁻⁷")]
    [InlineData(-3e-12, "-3×10⁻¹²")]
    [InlineData(9.999e-7, "1×10⁻⁶")]
    [InlineData(0.5, "0.5")]
    [InlineData(250.0, "250")]
    [InlineData(2e6, "2×10⁶")]
    public void Powers_of_ten_print_with_superscript_exponents(double value, string expected) =>
        Assert.Equal(expected, ReadableNumber.Format(value));

    [Fact]
    public void The_almgren_chriss_schedule_is_named_with_its_risk_aversion_and_unit_not_computer_notation()
    {
        var scenario = ScenarioPresets.Demo();
        scenario = scenario with { StrategySettings = scenario.StrategySettings with { RiskAversion = 1e-6 } };

        var name = new AlmgrenChrissBaseline().Create(scenario).DisplayName;

        Assert.Equal("Almgren–Chriss (λ = 1×10⁻⁶ /$)", name);
        Assert.DoesNotContain("E-", name, StringComparison.Ordinal);
    }
}
