"""Candidate pairs for batch deduplication with Splink on Apache Spark (``--engine spark``).

The same comparison levels, blocking rules and m/u as the DuckDB finder
(splink_pairs.predicted_pairs); only the backend differs. Spark runs in local
mode inside this process's JVM child: the point is a registry that outgrows
one DuckDB process can move to a Spark cluster with the same model. pyspark is
an optional extra (``pip install 'healthid[spark]'``) and needs a Java runtime.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from healthid.adapters.splink_pairs import predicted_pairs
from healthid.matching.model import Model
from healthid.matching.normalise import MatchRecord

# Spark logs at INFO/WARN by default; errors are enough (and go to the JVM's log file).
_LOG4J2 = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = spark %p %c{1}: %m%n
"""


class EngineUnavailableError(RuntimeError):
    """The engine cannot run on this machine; the message says what to install."""


def check_spark() -> None:
    """Raise EngineUnavailableError, with a one-line reason, if Spark cannot start here."""
    if importlib.util.find_spec("pyspark") is None:
        raise EngineUnavailableError(
            "engine spark: pyspark chưa được cài / is not installed: "
            "pip install 'healthid[spark]' (from a checkout: pip install -e '.[spark]')"
        )
    if not os.environ.get("JAVA_HOME") and shutil.which("java") is None:
        raise EngineUnavailableError(
            "engine spark: cần Java / needs a Java runtime (17 or later): "
            "apt-get install default-jre-headless, or set JAVA_HOME"
        )


@dataclass(frozen=True)
class SparkPairFinder:
    """Candidate duplicate pairs with Splink's Spark backend, in a session of its own."""

    master: str = "local[2]"
    shuffle_partitions: int = 8  # Spark's 200 is for clusters; a few per core here
    driver_memory: str = "2g"

    def pairs(self, records: list[MatchRecord], model: Model) -> Iterator[tuple[str, str]]:
        if len(records) < 2:
            return
        check_spark()
        with tempfile.TemporaryDirectory(prefix="healthid-spark-") as work:
            spark = self._session(Path(work))
            try:
                from splink import SparkAPI  # noqa: PLC0415 - optional extra

                # persist: intermediate tables stay in Spark's memory/disk cache rather
                # than parquet files under a checkpoint directory.
                db_api = SparkAPI(  # type: ignore[no-untyped-call]  # Splink: not annotated
                    spark_session=spark, break_lineage_method="persist"
                )
                found = predicted_pairs(db_api, records, model, jaro_winkler="jaro_winkler")
            finally:
                spark.stop()
        yield from found

    def _session(self, work: Path) -> Any:
        from pyspark.sql import SparkSession  # noqa: PLC0415 - optional extra
        from splink.backends.spark import similarity_jar_location  # noqa: PLC0415

        log_config = work / "log4j2.properties"
        log_config.write_text(_LOG4J2, encoding="utf-8")
        # Local mode talks to itself only: bind to loopback, not the first interface.
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        builder = (
            SparkSession.builder.master(self.master)
            .appName("healthid-dedup")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", str(self.shuffle_partitions))
            .config("spark.driver.memory", self.driver_memory)
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.local.dir", str(work))
            .config("spark.sql.warehouse.dir", str(work / "warehouse"))
            # Splink's Jaro-Winkler and friends are Scala UDFs shipped in this jar.
            .config("spark.jars", similarity_jar_location())
            .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={log_config}")
        )
        # The JVM writes its banner ("Setting default log level...") and log straight to
        # the inherited stderr, past Python; it inherits a log file instead.
        with _stderr_to(work / "spark.log"):
            spark = builder.getOrCreate()
        spark.sparkContext.setLogLevel("ERROR")
        return spark


@contextmanager
def _stderr_to(path: Path) -> Iterator[None]:
    """Point file descriptor 2 at ``path`` meanwhile, so a child process inherits it."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with path.open("ab") as log:
            os.dup2(log.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
