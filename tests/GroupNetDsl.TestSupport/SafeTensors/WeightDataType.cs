namespace GroupNetDsl.TestSupport.SafeTensors;

/// <summary>The floating-point dtypes the tests write weights in.</summary>
public enum WeightDataType
{
    F32,
    F16,
    BF16,
}
