"""Print, as JSON, what this Python has installed and the values of its
environment markers (``noxfile.install_locked`` reads a universal lock for
this Python with them). Standard library only: it runs in every session's
environment."""

import json
import os
import platform
import sys
from importlib.metadata import distributions

print(
    json.dumps(
        {
            "installed": {d.metadata["Name"]: d.version for d in distributions()},
            "environment": {
                "implementation_name": sys.implementation.name,
                "implementation_version": platform.python_version(),
                "os_name": os.name,
                "platform_machine": platform.machine(),
                "platform_python_implementation": platform.python_implementation(),
                "platform_release": platform.release(),
                "platform_system": platform.system(),
                "platform_version": platform.version(),
                "python_full_version": platform.python_version(),
                "python_version": ".".join(platform.python_version_tuple()[:2]),
                "sys_platform": sys.platform,
            },
        }
    )
)
