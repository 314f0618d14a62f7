using Explainability.Onnx;
using Explainability.Server.Auth;
using Explainability.Server.Explaining;
using Explainability.Server.Grpc;
using Explainability.Server.Ledger;
using Explainability.Server.Models;
using Grpc.Core;

namespace Explainability.Server.Tests;

public sealed class ErrorInterceptorTests
{
    public static TheoryData<Exception, StatusCode> Mapping => new()
    {
        { new ModelNotFoundException("unknown model 'x'"), StatusCode.NotFound },
        { new InputException("age", "row 0: missing feature 'age'"), StatusCode.InvalidArgument },
        { new ArgumentException("unknown audience 'x'", "audience"), StatusCode.InvalidArgument },
        { new FormatException("bad number"), StatusCode.InvalidArgument },
        { new UnsupportedModelException("no tree ensemble"), StatusCode.FailedPrecondition },
        { new NotSupportedException("not supported"), StatusCode.Internal },
        { new InvalidOperationException("secret: Collection was modified"), StatusCode.Internal },
        { new ArgumentNullException("secret"), StatusCode.Internal },
        { new ArgumentOutOfRangeException("secret", "secret"), StatusCode.Internal },
        { new RequestLimitException("too many rows"), StatusCode.ResourceExhausted },
        { new RuntimeDisagreementException("row 1, output '0': ours 0.99, ONNX Runtime 10"), StatusCode.FailedPrecondition },
        { new OperationCanceledException(), StatusCode.Cancelled },
        { new IOException("secret path /srv/x"), StatusCode.Internal },
        { new ExplanationNotFoundException("no explanation '0123456789abcdef0123456789abcdef' in the ledger"), StatusCode.NotFound },
        { new ModelVersionUnavailableException("model 'credit-risk' version 0.9 is no longer loaded"), StatusCode.FailedPrecondition },
        { new LedgerUnavailableException("the ledger could not record the call, so it was not answered: database is locked"), StatusCode.Unavailable },
        { new TokenStoreUnavailableException("the token store postgresql://x@db:5432/tokens cannot be read: connection refused"), StatusCode.Unavailable },
        { new UnauthenticatedException("the bearer token is not known to this server"), StatusCode.Unauthenticated },
        { new PermissionDeniedException("client 'a' may not use model 'card-fraud'", "a"), StatusCode.PermissionDenied },
        { new MalformedMessageException("the request of Explain is not a valid explainability.ExplainRequest message"), StatusCode.InvalidArgument },
    };

    [Theory]
    [MemberData(nameof(Mapping))]
    public void Each_exception_maps_to_its_status_code_with_its_message_and_no_stack_trace(Exception exception, StatusCode code)
    {
        Exception thrown;
        try
        {
            throw exception;
        }
        catch (Exception e)
        {
            thrown = e;
        }

        var status = ErrorInterceptor.ToStatus(thrown);

        Assert.Equal(code, status.StatusCode);
        Assert.DoesNotContain("   at ", status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(":line ", status.Detail, StringComparison.Ordinal);
        if (code is not (StatusCode.Internal or StatusCode.Cancelled))
        {
            Assert.Equal(thrown.Message.Replace(" (Parameter 'audience')", "", StringComparison.Ordinal), status.Detail);
        }
        else
        {
            Assert.DoesNotContain("secret", status.Detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Framework_exceptions_that_share_a_domain_base_type_are_internal_and_keep_their_message_private()
    {
        var duplicateKey = Catch(() => new Dictionary<string, int> { ["secret"] = 1 }.Add("secret", 2));
        var emptySequence = Catch(() => _ = Array.Empty<int>().First());
        var badNumber = Catch(() => _ = double.Parse("secret", System.Globalization.CultureInfo.InvariantCulture));
        var modified = Catch(() =>
        {
            var list = new List<int> { 1, 2 };
            foreach (int i in list)
            {
                list.Add(i);
            }
        });

        foreach (var e in new[] { duplicateKey, emptySequence, badNumber, modified })
        {
            var status = ErrorInterceptor.ToStatus(e);
            Assert.Equal(StatusCode.Internal, status.StatusCode);
            Assert.DoesNotContain("secret", status.Detail, StringComparison.Ordinal);
            Assert.DoesNotContain("Sequence", status.Detail, StringComparison.Ordinal);
            Assert.DoesNotContain("Collection", status.Detail, StringComparison.Ordinal);
        }
    }

    private static Exception Catch(Action action)
    {
        try
        {
            action();
        }
        catch (Exception e)
        {
            return e;
        }

        throw new InvalidOperationException("expected an exception");
    }
}
