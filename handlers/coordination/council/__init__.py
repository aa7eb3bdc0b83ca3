"""The council's quarterly report, reviewed (#16 item 3): drafted for the coordinator, published
once, fetched by the council with /rapport. Its own catalogue (``locale/nl.po``)."""
