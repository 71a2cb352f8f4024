namespace DBackup.Operator.Tests.Cli;

/// <summary>A small folder of manifests with the shapes that tend to break round trips.</summary>
internal static class Samples
{
    public const string Canary = "canary-93e1b7-must-never-leak";

    public static void WriteManifests(CliHarness cli, string folder = "manifests")
    {
        cli.Write($"{folder}/app.yaml", $$$"""
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: app-config
              labels: {app: web}
            data:
              port: "8080"
              debug: "false"
              script: |
                echo one
                echo two
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              namespace: team-a
              uid: 1234
              resourceVersion: "99"
            spec:
              replicas: 2
              paused: false
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers:
                  - name: web
                    image: nginx:1.27
                    ports: [{containerPort: 8080}]
            status:
              readyReplicas: 2
            ---
            apiVersion: v1
            kind: Secret
            metadata:
              name: db-credentials
              namespace: team-a
              labels: {app: db}
            type: Opaque
            stringData:
              password: {{{Canary}}}
            """);
        cli.Write($"{folder}/cluster/rbac.json", """
            {"apiVersion":"v1","kind":"List","items":[
              {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"system:dbackup-viewer"},
               "rules":[{"apiGroups":[""],"resources":["configmaps"],"verbs":["get","list"]}]},
              {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team-a"}}]}
            """);
        cli.Write($"{folder}/cluster/crd.yml", """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: octopi.example.com}
            spec:
              group: example.com
              scope: Cluster
              names: {kind: Octopus, plural: octopi, singular: octopus, listKind: OctopusList}
              versions:
              - name: v1
                served: true
                storage: true
                schema:
                  openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
            ---
            apiVersion: example.com/v1
            kind: Octopus
            metadata: {name: paul}
            spec: {arms: 8, ratio: 0.25}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: team-a}
            spec:
              clusterIP: 10.96.0.12
              clusterIPs: [10.96.0.12]
              ports: [{port: 80, targetPort: 8080}]
            """);
    }
}
