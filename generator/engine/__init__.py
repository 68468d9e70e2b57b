"""The engine: MkDocs builds the site plan, and publishing puts it in site/.

    plugin.py       the MkDocs adapter: the plan's pages and files as generated files
    site_search.py  a build's search indexes (search.py: Pagefind's service)
    cache.py        page hashes and the record of each build's outputs
    publish.py      the only code of ours that writes site/ and its staging folder
    build.py        `digest build` and `digest serve` (config.py: reading mkdocs.yml)

What a build keeps from the one before (all under .cache/digest/; delete it at any
time, and the next build is a full one that gives the same bytes):

- The read cache (papers.pickle, content/read_cache.py): each paper file as read, used
  again while its size, modification time and inode are the same. Saves parsing
  10,000 files (about 1 s).
- The phrase finds (phrases.pickle, phrases.Matchers): which theme phrases each title
  and abstract holds, by a hash of the text, for the same phrases and matching code.
  Saves searching every text (about 1.3 s at 10,000 papers). One Matchers object per
  build, kept by the plugin across `digest serve` rebuilds, also shares the search
  between checking the content and grouping.
- Page hashes (outputs-*.json, cache.py): a hash per planned page of everything its
  HTML depends on, recorded with the outputs of the build; the next `digest build`
  hands them to the plugin (`DigestPlugin.build_on`) and, in MkDocs' dirty mode,
  renders only the pages whose hash changed. Under `digest serve` the plugin keeps
  them from build to build. Saves rendering most of 10,000 pages on a daily build.
- The kept site (spare-*, publish.py): the site before the current one, brought up to
  date by copying only the files that differ, as the base of the next dirty build.
- The archive stamp (digest-records.sha256 in site/pagefind-archive/, search.py): a
  hash of what the older papers' search bundle was made from; the same stamp, the same
  bundle, kept instead of indexed again (about 13 s of Pagefind at 10,000 papers).
"""
