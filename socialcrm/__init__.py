"""SocialCRM application shell: settings, the ``socialcrm`` command and process start-up.

This package sits above the four parts (``mobile_api``, ``workers``, ``plugin``,
``connectors``) and wires them together; none of them imports it except
``socialcrm.settings``' plain values.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("socialcrm")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"
