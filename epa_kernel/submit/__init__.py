"""Released results to the Apprenticeship assessment service's External API ("Record a grade").

``settings`` (the organisation's ``service:`` settings and the key, from its config file or the
environment), ``released`` (what the store says may be sent: released results, withdrawals),
``requests`` (pure: the API's JSON bodies), ``validate`` (pure: the service's rules applied
here first), ``plan`` (pure: from the ledger, what still has to be sent, POST or PUT),
``client`` (HTTP: batches, retries, the key never logged), ``run`` (the phases of one
``epa submit``). The contract is the service's own source, cited in each module.
"""
