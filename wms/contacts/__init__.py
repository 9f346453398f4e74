"""Contacts as sellers' exports write them: phones and addresses normalised on the way in.

Pure: stdlib, phonenumbers and the other pure modules only, so that the import (wms.imports) and
review (wms.review) both use them without depending on each other.

    from wms.contacts.phone import normalise_phone      # -> PhoneResult(e164, valid, problem, ...)
    from wms.contacts.address import split_address      # -> AddressParts(province, city, district,
                                                        #    street, postcode, problems)
    from wms.contacts.address import province_from_name # "Zhejiang" / "ZJ" / "浙江" -> "浙江省"
    from wms.contacts.guards import strip_text_guard    # `'0123` / `="0123"` -> `0123`

cn_divisions parses Chinese addresses against the division tree (data/); international checks
postcodes and regions elsewhere.
"""
