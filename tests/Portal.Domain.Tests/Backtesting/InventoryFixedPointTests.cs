using System.Numerics;
using Portal.Domain.Backtesting;

namespace Portal.Domain.Tests.Backtesting;

/// <summary>The vector forms of the inventory statistics' clamp and fixed-point rounding against the scalar ones every
/// other path uses: the same bits, edges included.</summary>
public class InventoryFixedPointTests
{
    private const double Quantity = 123_456.0;

    private static IEnumerable<double> Remaining()
    {
        double[] edges =
        [
            0.0, -0.0, Quantity, -Quantity, 2 * Quantity, Quantity * (1 - 1e-16), Quantity * 1e-300, double.Epsilon,
            -double.Epsilon, double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.MaxValue, Quantity / 3,
        ];
        foreach (double e in edges) yield return e;

        // Remaining shares whose fraction times 2⁴⁰ lands on, just below and just above a half: the rounding's ties.
        for (long n = 0; n < 64; n++)
        {
            double f = (n * 1_000_003 + 0.5) / BacktestRunner.FixedPointScale;
            foreach (double g in (double[])[f, Math.BitDecrement(f), Math.BitIncrement(f)]) yield return g * Quantity;
        }

        var random = new Random(20261204);
        for (int i = 0; i < 4000; i++) yield return (random.NextDouble() * 1.2 - 0.1) * Quantity;
    }

    [Fact]
    public void Fraction_and_fixed_point_give_the_scalar_clamp_and_rounding_bit_for_bit()
    {
        var values = Remaining().ToArray();
        int w = Vector<double>.Count;
        double inv = 1.0 / Quantity;
        var vInv = new Vector<double>(inv);
        var lanes = new double[w];
        int checkedValues = 0;
        for (int i = 0; i + w <= values.Length; i += w)
        {
            Array.Copy(values, i, lanes, 0, w);
            var f = BacktestRunner.InventoryStats.Fraction(new Vector<double>(lanes), vInv);
            var fixedPoint = BacktestRunner.InventoryStats.FixedPoint(f);
            for (int l = 0; l < w; l++)
            {
                double expected = Math.Clamp(lanes[l] * inv, 0, 1);
                Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(f[l]),
                    $"remaining {lanes[l]:R}: fraction {f[l]:R}, scalar clamp {expected:R}");
                long expectedFixed = (long)(expected * BacktestRunner.FixedPointScale + 0.5);
                Assert.True(expectedFixed == fixedPoint[l], $"remaining {lanes[l]:R}: fixed point {fixedPoint[l]}, scalar {expectedFixed}");
                checkedValues++;
            }
        }

        Assert.True(checkedValues >= 4000, $"only {checkedValues} values checked");
    }
}
