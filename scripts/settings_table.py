"""Print the README's configuration table from the Settings class (keeps them in step)."""

from __future__ import annotations

from vppool.settings import Settings

print("| variable | default | meaning |")
print("|---|---|---|")
for name, field in Settings.model_fields.items():
    value = field.get_default(call_default_factory=True)
    default = "empty" if value in (None, []) else value
    print(f"| `VPPOOL_{name.upper()}` | `{default}` | {field.description or ''} |")
