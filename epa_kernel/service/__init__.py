"""The store behind the hub: a JupyterHub-managed service that alone holds the store's URL.

On a hub, a user's server and its kernels are untrusted: whatever code runs there can do what
the kernel's Python can. So the kernels hold no database URL, password or readable path to the
SQLite file. They hold their user's hub token, and call this service
(:mod:`~epa_kernel.service.server`), which asks the hub whose token it is and applies that
user's :class:`~epa_kernel.store.access.Access`. The apps use
:class:`~epa_kernel.service.client.StoreClient`, which has Access's methods; values cross the
wire in :mod:`~epa_kernel.service.wire`'s JSON.
"""
