"""Static files in production: what collectstatic gathers and how WhiteNoise stores it.

WhiteNoise serves the collected files under content-hashed names, with gzip and Brotli twins.
"""

import gzip
import logging
import os

from django.contrib.staticfiles.apps import StaticFilesConfig as DjangoStaticFilesConfig
from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)


class StaticFilesConfig(DjangoStaticFilesConfig):
    """django.contrib.staticfiles, minus copies no page of ours loads.

    viewflow's wheel carries the npm packages it was built from (``node_modules``, duplicates of
    the files it serves) and the Plotly Dash bundle of viewflow.contrib (``viewflow/js/contrib``,
    22 MB), which this project does not use. Leaving them out makes collectstatic several times
    faster.
    """

    ignore_patterns = [*DjangoStaticFilesConfig.ignore_patterns, "node_modules", "viewflow/js/contrib/*"]


class _ReusingCompressor(Compressor):
    """Keeps a .br/.gz twin that already holds exactly the file's content.

    Brotli at its best quality takes seconds per megabyte; collectstatic runs at every start
    (scripts/run.sh, the systemd unit), and almost every file is unchanged from the last time.
    Decompressing to compare is a hundred times faster than compressing again.
    """

    def compress(self, path):
        with open(path, "rb") as file:
            data = file.read()
        kept = []
        for suffix, decompress, wanted in (
            (".br", self._brotli_decompress, self.use_brotli),
            (".gz", gzip.decompress, self.use_gzip),
        ):
            if wanted and os.path.exists(path + suffix):
                try:
                    with open(path + suffix, "rb") as file:
                        if decompress(file.read()) == data:
                            kept.append(path + suffix)
                            continue
                except Exception:  # a damaged twin is simply made again
                    pass
            if wanted:
                return super().compress(path)
        return kept

    @staticmethod
    def _brotli_decompress(data):
        import brotli

        return brotli.decompress(data)


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's compressed manifest storage, tolerant of CSS naming a file that is not there.

    viewflow's roboto-fontface.css under node_modules names fonts its wheel lacks (Roboto-Thin.woff2)
    and the stock storage stops collectstatic on it. A ``url(...)`` whose file does not exist is left
    as it is (the browser gets a 404 for it, as it would have anyway) and reported in the log.
    """

    def url_converter(self, name, hashed_files, template=None):
        convert = super().url_converter(name, hashed_files, template)

        def converter(matchobj):
            try:
                return convert(matchobj)
            except ValueError as exc:
                if "could not be found" not in str(exc):
                    raise
                logger.warning("%s names %s, which does not exist; left as it is", name, matchobj["url"])
                return matchobj["matched"]

        return converter

    def create_compressor(self, **kwargs):
        # source maps are fetched by developer tools only: not worth compressing at every start
        kwargs["extensions"] = [*(kwargs.get("extensions") or Compressor.SKIP_COMPRESS_EXTENSIONS), "map"]
        return _ReusingCompressor(**kwargs)
