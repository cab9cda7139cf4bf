using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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

    [Theory]
    [InlineData(0L, 0, 0)]
    [InlineData(-7L, 99, 0x52414E44)]
    [InlineData(long.MaxValue, 12345, -1)]
    public void Counter_uniforms_of_many_episodes_are_each_episode_s_counter_uniform_bit_for_bit(long seed, int step, int stream)
    {
        // 4k + 3 episodes, some negative and some far apart, so both the vector part and the scalar remainder run.
        var episodes = Enumerable.Range(-50, 203).Select(i => (long)i * 7_919 + (i % 5 == 0 ? long.MinValue / 3 : 0)).ToArray();
        var values = new double[episodes.Length + 2];
        values.AsSpan().Fill(double.NaN);
        RandomStream.CounterUniforms(seed, episodes, step, stream, values);
        for (int e = 0; e < episodes.Length; e++)
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(RandomStream.CounterUniform(seed, episodes[e], step, stream)), BitConverter.DoubleToInt64Bits(values[e]));
        }

        Assert.True(double.IsNaN(values[^1]) && double.IsNaN(values[^2]), "nothing past the episodes is written");
        Assert.Throws<ArgumentException>(() => RandomStream.CounterUniforms(seed, episodes, step, stream, new double[episodes.Length - 1]));
    }

    [Theory]
    [InlineData(99L, 0L)]
    [InlineData(-3L, 1_000_000L)]
    [InlineData(long.MaxValue, long.MinValue / 2)]
    public unsafe void Register_normals_of_four_streams_are_each_stream_s_normals_bit_for_bit_through_the_slow_path(long seed, long firstEpisode)
    {
        // Four streams drawn a vector at a time through the register ziggurat against each stream drawn on its own: about
        // one draw in forty leaves the fast path, so 60,000 vectors take the lane-wise slow path (wedge, redraw, tail)
        // thousands of times, several lanes at once hundreds of times.
        const int lanes = 4;
        const int draws = 60_000;
        var streams = new RandomStream[lanes];
        var a = new ulong[lanes];
        var b = new ulong[lanes];
        var c = new ulong[lanes];
        var d = new ulong[lanes];
        for (int l = 0; l < lanes; l++)
        {
            streams[l] = new RandomStream(seed, firstEpisode + l);
            streams[l].GetState(out a[l], out b[l], out c[l], out d[l]);
        }

        var s0 = Vector256.Create<ulong>(a);
        var s1 = Vector256.Create<ulong>(b);
        var s2 = Vector256.Create<ulong>(c);
        var s3 = Vector256.Create<ulong>(d);
        double* xs = (double*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(RandomStream.Ziggurat.X));
        double* ratio = (double*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(RandomStream.Ziggurat.Ratio));
        ulong* spill = stackalloc ulong[4 * lanes];
        int slowDraws = 0, severalSlow = 0, tails = 0;
        for (int n = 0; n < draws; n++)
        {
            int slowLanes = 0;
            for (int l = 0; l < lanes; l++)
            {
                var peek = streams[l];
                ulong bits = peek.NextUInt64();
                if (!(Math.Abs(RandomStream.SignedFromBits(bits)) < RandomStream.Ziggurat.Ratio[(int)(bits & 0x7F)])) slowLanes++;
            }

            slowDraws += slowLanes;
            if (slowLanes > 1) severalSlow++;
            var z = FusedScheduleKernel.Normal(ref s0, ref s1, ref s2, ref s3, xs, ratio, spill);
            for (int l = 0; l < lanes; l++)
            {
                double expected = streams[l].NextNormal();
                if (Math.Abs(expected) > RandomStream.Ziggurat.X[1]) tails++;
                Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(z.GetElement(l)));
            }
        }

        // The states too: the next draws of every lane are still its stream's.
        for (int l = 0; l < lanes; l++)
        {
            streams[l].GetState(out a[l], out b[l], out c[l], out d[l]);
            Assert.Equal((a[l], b[l], c[l], d[l]), (s0.GetElement(l), s1.GetElement(l), s2.GetElement(l), s3.GetElement(l)));
        }

        Assert.InRange(slowDraws, 4_000, 10_000);
        Assert.True(severalSlow >= 20, $"only {severalSlow} vectors had several lanes on the slow path");
        Assert.True(tails >= 50, $"only {tails} draws from the tail");
    }
}
