namespace Explainability.Core.Trees;

/// <summary>
/// How an internal node of a tree routes a row, as in the ONNX <c>ai.onnx.ml</c> TreeEnsemble operators
/// (<c>nodes_modes</c>). The comparison is <c>x[feature] OP threshold</c>; when it holds the row goes to the true child.
/// </summary>
public enum NodeMode : byte
{
    /// <summary>A leaf: carries values, no split.</summary>
    Leaf = 0,

    /// <summary><c>x &lt;= threshold</c>.</summary>
    BranchLeq = 1,

    /// <summary><c>x &lt; threshold</c>.</summary>
    BranchLt = 2,

    /// <summary><c>x &gt;= threshold</c>.</summary>
    BranchGte = 3,

    /// <summary><c>x &gt; threshold</c>.</summary>
    BranchGt = 4,

    /// <summary><c>x == threshold</c>.</summary>
    BranchEq = 5,

    /// <summary><c>x != threshold</c>.</summary>
    BranchNeq = 6,

    /// <summary><c>x</c> is one of a set of values (ai.onnx.ml opset 5 TreeEnsemble BRANCH_MEMBER).</summary>
    BranchMember = 7,
}
