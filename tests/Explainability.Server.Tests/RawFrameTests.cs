using System.Buffers.Binary;
using System.Net;
using Explainability.Protos;
using Google.Protobuf;
using Grpc.Core;

namespace Explainability.Server.Tests;

/// <summary>Bytes no gRPC client would send, posted raw over HTTP/2 (h2c): garbage and truncated protobuf, broken frames.
/// Each gets a gRPC status, and the server keeps serving.</summary>
[Collection(ServerTestGroup.Name)]
public sealed class RawFrameTests(ServerFixture server)
{
    public static TheoryData<string, StatusCode, string> Frames => new()
    {
        { "garbage-protobuf", StatusCode.InvalidArgument, "the request of Explain is not a valid explainability.ExplainRequest message" },
        { "truncated-protobuf", StatusCode.InvalidArgument, "the request of Explain is not a valid explainability.ExplainRequest message: While parsing a protocol message, the input ended unexpectedly" },
        // Broken framing is a protocol error, INTERNAL in gRPC's status code table, answered by Grpc.AspNetCore itself.
        { "frame-shorter-than-its-length", StatusCode.Internal, "Incomplete message." },
        { "compressed-flag-without-encoding", StatusCode.Internal, "Request did not include grpc-encoding value with compressed message." },
        { "three-byte-header", StatusCode.Internal, "Incomplete message." },
        { "length-beyond-the-message-limit", StatusCode.ResourceExhausted, "Received message exceeds the maximum configured message size." },
        { "two-messages-on-a-unary-call", StatusCode.Internal, "Additional data after the message received." },
    };

    [Theory]
    [MemberData(nameof(Frames))]
    public async Task Raw_bytes_get_a_status_and_the_server_keeps_serving(string name, StatusCode code, string mention)
    {
        var (status, message) = await Send(server.Port, "/explainability.v1.Explainer/Explain", Frame(name));

        Assert.True(code == status, $"{name}: {status} {message}");
        Assert.Contains(mention, message, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", message, StringComparison.Ordinal);
        var valid = new ExplainRequest { ModelId = "credit-risk" };
        valid.Rows.Add(server.BackgroundRows("credit-risk", [0]));
        Assert.Single((await server.Client.ExplainAsync(valid)).Rows);
    }

    /// <summary>The request body named <paramref name="name"/>: one or more 5-byte gRPC frame headers (compressed flag,
    /// big-endian length) and what follows them.</summary>
    public static byte[] Frame(string name)
    {
        var request = new ExplainRequest { ModelId = "credit-risk", Method = "kernel" };
        request.Rows.Add(new Row { Values = { ["duration"] = new FeatureValue { Number = 12 }, ["purpose"] = new FeatureValue { Text = "radio/tv" } } });
        byte[] valid = request.ToByteArray();
        return name switch
        {
            "garbage-protobuf" => WithHeader(0, [0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0xDE, 0xF0, 0xFF, 0xFF, 0xFF]),
            "truncated-protobuf" => WithHeader(0, valid[..(valid.Length / 2)]),
            "frame-shorter-than-its-length" => [.. Header(0, valid.Length + 100), .. valid],
            "compressed-flag-without-encoding" => WithHeader(1, valid),
            "three-byte-header" => [0, 0, 0],
            "length-beyond-the-message-limit" => [.. Header(0, int.MaxValue), .. valid],
            "two-messages-on-a-unary-call" => [.. WithHeader(0, valid), .. WithHeader(0, valid)],
            _ => throw new ArgumentException($"no frame named '{name}'", nameof(name)),
        };
    }

    /// <summary>Posts <paramref name="body"/> as a gRPC request over HTTP/2 without TLS and returns the call's status
    /// (<c>grpc-status</c> and <c>grpc-message</c> from the trailers, or from the headers of a trailers-only answer).</summary>
    public static async Task<(StatusCode Status, string Message)> Send(int port, string path, byte[] body)
    {
        using var handler = new SocketsHttpHandler();
        using var http = new HttpClient(handler);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{port}{path}")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
        request.Headers.TE.ParseAdd("trailers");
        using var response = await http.SendAsync(request);
        _ = await response.Content.ReadAsByteArrayAsync();
        string? Read(string header) =>
            response.TrailingHeaders.TryGetValues(header, out var t) ? t.First()
            : response.Headers.TryGetValues(header, out var h) ? h.First()
            : null;
        string status = Read("grpc-status") ?? throw new InvalidOperationException($"no grpc-status; HTTP {(int)response.StatusCode}");
        return ((StatusCode)int.Parse(status, System.Globalization.CultureInfo.InvariantCulture), Uri.UnescapeDataString(Read("grpc-message") ?? ""));
    }

    private static byte[] WithHeader(byte compressed, byte[] message) => [.. Header(compressed, message.Length), .. message];

    private static byte[] Header(byte compressed, int length)
    {
        var header = new byte[5];
        header[0] = compressed;
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(1), length);
        return header;
    }
}
