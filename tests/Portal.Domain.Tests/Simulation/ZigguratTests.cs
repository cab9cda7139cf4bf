using Portal.Domain.Simulation;

namespace Portal.Domain.Tests.Simulation;

/// <summary>
/// The ziggurat's wedge test decided from the vector exponential gives, point for point, the decision of the scalar
/// <see cref="Math.Exp"/> it replaced: on random points of every layer and on points built to fall on the boundary.
/// </summary>
public class ZigguratTests
{
    private static bool Reference(int i, double x, double v)
    {
        var xs = RandomStream.Ziggurat.X;
        double f0 = Math.Exp(-0.5 * (xs[i] * xs[i] - x * x));
        double f1 = Math.Exp(-0.5 * (xs[i + 1] * xs[i + 1] - x * x));
        return f1 + v * (f0 - f1) < 1.0;
    }

    [Fact]
    public void Random_points_of_every_layer_get_the_scalar_exponentials_decision()
    {
        var xs = RandomStream.Ziggurat.X;
        var rng = new Random(5);
        int accepted = 0, total = 0;
        for (int i = 1; i < 128; i++)
        {
            for (int k = 0; k < 2_000; k++)
            {
                // A point of the wedge: |x| between the next layer's edge and this layer's.
                double x = (xs[i + 1] + rng.NextDouble() * (xs[i] - xs[i + 1])) * (rng.Next(2) == 0 ? -1 : 1);
                double v = rng.NextDouble();
                bool expected = Reference(i, x, v);
                Assert.Equal(expected, RandomStream.Ziggurat.UnderDensity(i, x, v));
                accepted += expected ? 1 : 0;
                total++;
            }
        }

        // Both outcomes are exercised in quantity.
        Assert.InRange(accepted, total / 10, total - total / 10);
    }

    [Fact]
    public void Points_on_the_boundary_get_the_scalar_exponentials_decision()
    {
        var xs = RandomStream.Ziggurat.X;
        var rng = new Random(9);
        int both = 0;
        for (int i = 1; i < 128; i++)
        {
            for (int k = 0; k < 200; k++)
            {
                double x = xs[i + 1] + rng.NextDouble() * (xs[i] - xs[i + 1]);
                double f0 = Math.Exp(-0.5 * (xs[i] * xs[i] - x * x));
                double f1 = Math.Exp(-0.5 * (xs[i + 1] * xs[i + 1] - x * x));
                if (!(f0 < f1)) continue;
                // The uniform that puts the left side at 1, and uniforms that move it by about half an ulp of 1 at a time.
                double v = (1 - f1) / (f0 - f1);
                double half = 1.1e-16 / (f1 - f0);
                bool sawTrue = false, sawFalse = false;
                for (int step = -4; step <= 4; step++)
                {
                    double w = v + step * half;
                    if (!(w > 0 && w < 1)) continue;
                    bool expected = Reference(i, x, w);
                    Assert.Equal(expected, RandomStream.Ziggurat.UnderDensity(i, x, w));
                    sawTrue |= expected;
                    sawFalse |= !expected;
                }

                both += sawTrue && sawFalse ? 1 : 0;
            }
        }

        // The decision flips within those few steps for most points: the boundary itself was tested.
        Assert.True(both > 10_000, $"only {both} points straddled the boundary");
    }

    [Fact]
    public void The_exponentials_stay_in_the_range_the_margin_assumes()
    {
        var xs = RandomStream.Ziggurat.X;
        for (int i = 1; i < 128; i++)
        {
            // f1 is largest at the layer's outer edge, f0 at most 1 there.
            double largest = Math.Exp(0.5 * (xs[i] * xs[i] - xs[i + 1] * xs[i + 1]));
            Assert.InRange(largest, 1.0, 2.1);
        }
    }
}
