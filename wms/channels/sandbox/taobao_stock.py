"""The TOP sandbox's stock APIs: `taobao.item.quantity.update` (full or incremental, an item or one SKU of it, by
sku_id or outer_id; an unknown item or SKU is refused with isv.item-not-exist / isv.sku-not-exist),
`taobao.skus.quantity.update` (up to 20 SKUs of one item, all or nothing) and `taobao.skus.custom.get` (SKUs by
merchant code). The items and their SKUs are kept by the store (wms.channels.sandbox.taobao_store). Served by
wms.channels.sandbox.taobao, whose router checks the signature, app key, session and timestamp first.
"""
from wms.channels.sandbox.taobao_store import error_answer


def quantity_update(store, params):
    """taobao.item.quantity.update: num_iid (required), sku_id or outer_id, quantity, type 1 full / 2 incremental."""
    for name in ("num_iid", "quantity"):
        if not params.get(name):
            return error_answer(40, f"Missing required arguments:{name}", f"isv.missing-parameter:{name}")
    try:
        num_iid, quantity = int(params["num_iid"]), int(params["quantity"])
        sku_id = int(params["sku_id"]) if params.get("sku_id") else None
        kind = int(params.get("type") or 1)
    except ValueError:
        return error_answer(41, "Invalid arguments:num_iid,sku_id,quantity,type", "isv.invalid-parameter")
    if kind not in (1, 2):
        return error_answer(41, "Invalid arguments:type", "isv.invalid-parameter:type")
    if sku_id is None and params.get("outer_id"):
        found = [s for s in store.skus_by_outer_id(params["outer_id"]) if s["num_iid"] == num_iid]
        if not found:
            return error_answer(15, "Remote service error", "isv.sku-not-exist", f"商家编码 {params['outer_id']} 无对应SKU")
        sku_id = found[0]["sku_id"]
    item, error = store.set_quantity(num_iid, sku_id, quantity, incremental=kind == 2)
    return error or {"item": item}


def skus_quantity_update(store, params):
    """taobao.skus.quantity.update: num_iid, skuid_quantities "skuId:qty;..." (or outerid_quantities), type;
    at most 20 SKUs; all or nothing (a SKU refused refuses the call, naming that SKU)."""
    if not params.get("num_iid"):
        return error_answer(40, "Missing required arguments:num_iid", "isv.missing-parameter:num_iid")
    text = params.get("skuid_quantities") or params.get("outerid_quantities") or ""
    by_outer = not params.get("skuid_quantities")
    try:
        num_iid, kind = int(params["num_iid"]), int(params.get("type") or 1)
        pairs = [(part.rsplit(":", 1)[0], int(part.rsplit(":", 1)[1])) for part in text.split(";") if part.strip()]
    except (ValueError, IndexError):
        return error_answer(41, "Invalid arguments:skuid_quantities", "isv.invalid-parameter:skuid_quantities")
    if not pairs:
        return error_answer(40, "Missing required arguments:skuid_quantities", "isv.missing-parameter:skuid_quantities")
    if len(pairs) > 20:
        return error_answer(41, "Invalid arguments:skuid_quantities", "isv.invalid-parameter:skuid_quantities", "最多支持20个SKU同时修改")
    if kind not in (1, 2):
        return error_answer(41, "Invalid arguments:type", "isv.invalid-parameter:type")
    with store.lock:
        item = store.items.get(num_iid)
        if item is None:
            return error_answer(15, "Remote service error", "isv.item-not-exist", f"商品 {num_iid} 不存在")
        changes = {}
        for ref, quantity in pairs:
            if by_outer:
                found = [sku_id for sku_id, sku in item["skus"].items() if sku["outer_id"] == ref]
            else:
                found = [int(ref)] if ref.isdigit() and int(ref) in item["skus"] else []
            if not found:
                return error_answer(15, "Remote service error", "isv.sku-not-exist", f"SKU {ref} 不存在")
            for sku_id in found:
                new = item["skus"][sku_id]["quantity"] + quantity if kind == 2 else quantity
                if new < 0 or (kind == 1 and quantity < 0):
                    return error_answer(15, "Remote service error", "isv.invalid-parameter:quantity", f"SKU {ref} 库存不能小于0")
                changes[sku_id] = new
        for sku_id, new in changes.items():
            item["skus"][sku_id]["quantity"] = new
        item["num"] = sum(sku["quantity"] for sku in item["skus"].values())
        stamp = store.tick()
        return {"item": {"iid": str(num_iid), "num_iid": num_iid, "num": item["num"], "modified": stamp,
                         "skus": {"sku": [{"sku_id": sku_id, "quantity": new, "modified": stamp}
                                          for sku_id, new in changes.items()]}}}


def skus_custom_get(store, params):
    """taobao.skus.custom.get: the seller's SKUs with this merchant code (outer_id)."""
    if not params.get("outer_id"):
        return error_answer(40, "Missing required arguments:outer_id", "isv.missing-parameter:outer_id")
    if not params.get("fields"):
        return error_answer(40, "Missing required arguments:fields", "isv.missing-parameter:fields")
    fields = [f.strip() for f in params["fields"].split(",") if f.strip()]
    skus = [{k: v for k, v in sku.items() if k in fields or k == "iid"} for sku in store.skus_by_outer_id(params["outer_id"])]
    return {"skus": skus if params.get("simplify") == "true" else {"sku": skus}}


METHODS = {
    "taobao.item.quantity.update": quantity_update,
    "taobao.skus.quantity.update": skus_quantity_update,
    "taobao.skus.custom.get": skus_custom_get,
}
