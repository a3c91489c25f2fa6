"""YAML texts the tests load: a Deployment around the pod spec a test is about."""

import textwrap


def deployment_yaml(pod_spec: str, *, selected: str = "web") -> str:
    """``Deployment/web`` whose pods are labelled ``app: web``, selected by
    ``app: <selected>``, with ``pod_spec`` (YAML, any indentation) as their spec."""
    return ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n"
            f"  selector: {{matchLabels: {{app: {selected}}}}}\n  template:\n"
            "    metadata: {labels: {app: web}}\n    spec:\n"
            + textwrap.indent(textwrap.dedent(pod_spec).strip("\n") + "\n", "      "))
