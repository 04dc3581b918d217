"""The flow engine: one compiled form of a network, one solve path.

* :mod:`~cablesim.engine.flows`: compiling a network (contraction of
  backhaul, integer capacities, route corridors), maximum flows per country and
  core region (the one solve path, :class:`~cablesim.engine.flows.TaskGraph`),
  reachability (:func:`~cablesim.engine.flows.reach`), latency, and the
  backhaul split of closed areas;
* :mod:`~cablesim.engine.batch`: the batch evaluator for sweeps and Monte
  Carlo, on the same compiled form, the same task graphs and the same
  reachability (tested equal to :func:`cablesim.engine.simulate`);
* :mod:`~cablesim.engine.flowview`: which edges carry a country's flow before
  and after a failure (for the explanation and the dependency lens);
* :mod:`~cablesim.engine.reference`: the plain networkx approach, an
  independent oracle (closures included) for tests and benchmarks.

Layering: above :mod:`cablesim.network` and :mod:`cablesim.scenario`; below
:mod:`cablesim.engine.metrics` and everything that consumes results.
"""
