using Portal.Domain.Simulation;

namespace Portal.Domain.Tests.Simulation;

public class RandomStreamTests
{
    [Fact]
    public void Vectorised_block_draws_exactly_the_per_episode_streams()
    {
        const int n = 37;
        var block = new RandomBlock(n);
        var streams = new RandomStream[n];
        for (int e = 0; e < n; e++)
        {
            block.Seed(e, 99, 1000 + e);
            streams[e] = new RandomStream(99, 1000 + e);
        }

        var z = new double[40];
        for (int round = 0; round < 2000; round++)
        {
            if (round % 3 == 2)
            {
                block.Uniforms(z, n);
                for (int e = 0; e < n; e++) Assert.Equal(streams[e].NextUniform(), z[e]);
            }
            else
            {
                block.Normals(z, n);
                for (int e = 0; e < n; e++) Assert.Equal(streams[e].NextNormal(), z[e]);
            }
        }
    }

    [Fact]
    public void Normals_have_standard_moments_and_tails()
    {
        var r = new RandomStream(7, 0);
        const int n = 2_000_000;
        double sum = 0, sum2 = 0, sum4 = 0;
        int beyond = 0;
        for (int i = 0; i < n; i++)
        {
            double z = r.NextNormal();
            sum += z;
            sum2 += z * z;
            sum4 += z * z * z * z;
            if (Math.Abs(z) > 3.442619855899) beyond++;
        }

        Assert.InRange(sum / n, -4.0 / Math.Sqrt(n), 4.0 / Math.Sqrt(n));
        Assert.InRange(sum2 / n, 1 - 4 * Math.Sqrt(2.0 / n), 1 + 4 * Math.Sqrt(2.0 / n));
        Assert.InRange(sum4 / n, 3 - 4 * Math.Sqrt(96.0 / n), 3 + 4 * Math.Sqrt(96.0 / n));
        double tail = 5.7624e-4; // P(|Z| > 3.4426)
        Assert.InRange((double)beyond / n, tail - 4 * Math.Sqrt(tail / n), tail + 4 * Math.Sqrt(tail / n));
    }

    [Fact]
    public void Uniforms_stay_strictly_inside_the_unit_interval_and_streams_differ_by_episode()
    {
        var a = new RandomStream(1, 0);
        var b = new RandomStream(1, 1);
        double min = 1, max = 0;
        int same = 0;
        for (int i = 0; i < 100_000; i++)
        {
            double u = a.NextUniform();
            min = Math.Min(min, u);
            max = Math.Max(max, u);
            if (u == b.NextUniform()) same++;
        }

        Assert.True(min > 0 && max < 1);
        Assert.InRange(min, 0, 1e-3);
        Assert.InRange(max, 1 - 1e-3, 1);
        Assert.Equal(0, same);
    }
}
