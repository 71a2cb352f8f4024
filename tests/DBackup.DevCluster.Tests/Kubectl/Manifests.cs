namespace DBackup.DevCluster.Tests.Kubectl;

internal static class Manifests
{
    public const string WidgetCrd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.smoke.dbackup.io
        spec:
          group: smoke.dbackup.io
          scope: Namespaced
          names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wdg]}
          versions:
          - name: v1
            served: true
            storage: true
            subresources: {status: {}}
            additionalPrinterColumns:
            - {name: Size, type: integer, jsonPath: .spec.size}
            - {name: Color, type: string, jsonPath: .spec.color}
            - {name: Phase, type: string, jsonPath: .status.phase}
            - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
            - {name: Shape, type: string, jsonPath: .spec.shape, priority: 1}
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    required: [size]
                    properties:
                      size: {type: integer, minimum: 1}
                      color: {type: string, default: blue, enum: [blue, red, green]}
                      shape: {type: string, default: round}
                  status:
                    type: object
                    properties:
                      phase: {type: string}
        """;

    public static string Widget(string name, int size) => $$"""
        apiVersion: smoke.dbackup.io/v1
        kind: Widget
        metadata: {name: {{name}}}
        spec: {size: {{size}}}
        """;

    public static string ConfigMap(string name, string labels = "{}") => $$"""
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: {{name}}, labels: {{labels}}}
        data: {a: "1"}
        """;

    public static string Deployment(string name) => $$$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: {{{name}}}}
        spec:
          replicas: 1
          selector: {matchLabels: {app: {{{name}}}}}
          template:
            metadata: {labels: {app: {{{name}}}}}
            spec:
              containers:
              - {name: app, image: "app:1", env: [{name: A, value: "1"}]}
              - {name: sidecar, image: "side:1"}
        """;
}
