using TorchSharp;
using static TorchSharp.torch;

namespace Portal.Agents.Common;

/// <summary>Small building blocks shared by the neural agents.</summary>
internal static class Networks
{
    /// <summary>A two-hidden-layer tanh perceptron.</summary>
    public static nn.Module<Tensor, Tensor> Mlp(int inputs, int hidden, int outputs) =>
        nn.Sequential(
            nn.Linear(inputs, hidden), nn.Tanh(),
            nn.Linear(hidden, hidden), nn.Tanh(),
            nn.Linear(hidden, outputs));

    /// <summary>Copies a row-major float batch into a new <c>[rows, columns]</c> tensor (no intermediate managed array).</summary>
    public static Tensor Batch(ReadOnlySpan<float> values, int rows, int columns)
    {
        var tensor = torch.empty(rows, columns, ScalarType.Float32);
        tensor.data<float>().CopyFrom(values[..(rows * columns)], 0, 0);
        return tensor;
    }

    /// <summary>Hard copy of all parameters and buffers from <paramref name="source"/> into <paramref name="target"/>.</summary>
    public static void CopyParameters(nn.Module source, nn.Module target)
    {
        using var noGrad = torch.no_grad();
        var src = source.parameters().ToArray();
        var dst = target.parameters().ToArray();
        for (int i = 0; i < src.Length; i++)
        {
            dst[i].copy_(src[i]);
        }
    }

    /// <summary>Polyak averaging: target ← (1 − τ)·target + τ·source.</summary>
    public static void SoftUpdate(nn.Module source, nn.Module target, double tau)
    {
        using var noGrad = torch.no_grad();
        var src = source.parameters().ToArray();
        var dst = target.parameters().ToArray();
        for (int i = 0; i < src.Length; i++)
        {
            dst[i].mul_(1 - tau).add_(src[i], alpha: tau);
        }
    }

    /// <summary>Serialises every parameter of a module, in order, as float32 arrays.</summary>
    public static void Save(nn.Module module, BinaryWriter writer)
    {
        using var scope = torch.NewDisposeScope();
        var parameters = module.parameters().ToArray();
        writer.Write(parameters.Length);
        foreach (var p in parameters)
        {
            var data = p.detach().contiguous().data<float>().ToArray();
            writer.Write(data.Length);
            foreach (float v in data)
            {
                writer.Write(v);
            }
        }
    }

    /// <summary>Restores parameters written by <see cref="Save"/> into a module of the same architecture.</summary>
    public static void Load(nn.Module module, BinaryReader reader)
    {
        var parameters = module.parameters().ToArray();
        int count = reader.ReadInt32();
        if (count != parameters.Length)
        {
            throw new InvalidDataException($"Stored weights have {count} tensors; the network has {parameters.Length}.");
        }

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        foreach (var p in parameters)
        {
            int n = reader.ReadInt32();
            if (n != p.numel())
            {
                throw new InvalidDataException($"Stored tensor has {n} values; the network expects {p.numel()}.");
            }

            var data = new float[n];
            for (int i = 0; i < n; i++)
            {
                data[i] = reader.ReadSingle();
            }

            p.copy_(torch.tensor(data).reshape(p.shape));
        }
    }
}
