using System.Text.Json.Nodes;

namespace SensorStream.EdgeModule.IoTEdge;

/// <summary>Twin patch semantics: objects merge key by key, null deletes, anything else replaces.</summary>
public static class JsonMergePatch
{
    public static void Apply(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch)
        {
            if (value is null)
                target.Remove(key);
            else if (value is JsonObject patchObject && target[key] is JsonObject targetObject)
                Apply(targetObject, patchObject);
            else
                target[key] = value.DeepClone();
        }
    }
}
