"""The print component's messages (CAINIAO protocol, wms/shipping/print_component.py): requests as the
component expects them, its answers and notices read into outcomes, other components' names, bad input."""
import json

import pytest

from wms.shipping import print_component as pc


def test_a_print_request_carries_the_header_and_one_task_of_documents():
    body = pc.print_request("r1", pc.task_id_for(7), [pc.document("SF1", "t://x", {"waybillCode": "SF1"})])
    assert body["cmd"] == "print" and body["requestID"] == "r1" and body["version"] == "1.0"
    assert body["task"] == {"taskID": "wms-7", "preview": False, "printer": "",
                            "documents": [{"documentID": "SF1", "contents": [{"templateURL": "t://x",
                                                                              "data": {"waybillCode": "SF1"}}]}]}
    assert pc.check_print_request(body) == ""
    assert pc.print_job_id_of("wms-7") == 7 and pc.print_job_id_of("7293666") is None


def test_a_taken_task_is_not_final_and_a_refused_one_is():
    taken = pc.parse_message(json.dumps({"cmd": "print", "requestID": "r1", "taskID": "wms-7", "status": "success"}))
    assert taken.ok and not taken.final and taken.task_id == "wms-7"
    refused = pc.parse_message(json.dumps({"cmd": "print", "requestID": "r2", "status": "failed", "msg": "无效的打印机"}))
    assert not refused.ok and refused.final and refused.message == "无效的打印机"


def test_a_notice_is_final_when_printed_or_failed_and_names_the_failed_document():
    printed = pc.parse_message(json.dumps({"cmd": "notifyPrintResult", "taskID": "wms-7", "taskStatus": "printed",
                                           "printStatus": [{"documentID": "SF1", "status": "success"}]}))
    assert printed.ok and printed.final and printed.documents == (("SF1", True, ""),)
    rendered = pc.parse_message(json.dumps({"cmd": "notifyPrintResult", "taskID": "wms-7", "taskStatus": "rendered"}))
    assert rendered.ok and not rendered.final
    failed = pc.parse_message(json.dumps({"cmd": "notifyPrintResult", "taskID": "wms-7", "taskStatus": "printed",
                                          "printStatus": [{"documentID": "SF1", "status": "failed", "msg": "缺纸"}]}))
    assert not failed.ok and failed.final and failed.message == "缺纸"


def test_pdds_notice_name_reads_as_cainiaos():
    notice = pc.parse_message(json.dumps({"cmd": "PrintResultNotify", "taskID": "wms-3", "taskStatus": "printed"}))
    assert notice.cmd == "notifyPrintResult" and notice.ok and notice.final


@pytest.mark.parametrize("text", ["not json", "[]", json.dumps({"status": "success"}), json.dumps({"cmd": 3})])
def test_anything_but_the_components_json_is_a_protocol_error(text):
    with pytest.raises(pc.ProtocolError):
        pc.parse_message(text)


@pytest.mark.parametrize("task, problem", [
    (None, "task is required"),
    ({"documents": [{"documentID": "A", "contents": [{}]}]}, "taskID is required"),
    ({"taskID": "1", "documents": []}, "documents are required"),
    ({"taskID": "1", "documents": [{"contents": [{}]}]}, "every document needs a documentID"),
    ({"taskID": "1", "documents": [{"documentID": "A", "contents": []}]}, "document A has no contents"),
])
def test_a_print_request_without_its_parts_is_refused_with_the_reason(task, problem):
    assert pc.check_print_request({"cmd": "print", "task": task}) == problem
