"""UI strings of the placement review page (issue 18): 链上定位审核 | Placement review.

Merged into app.ui.i18n.LABELS (key -> (中文, English)); keys are prefixed ``pl_`` so they never clash
with another area's keys.
"""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    "page_placement_review": ("链上定位审核", "Placement review"),
    "pl_intro": (
        "专利和机构为什么被放在某个产业链节点上：命中的关键词、IPC 分类号和规则，以及可信度。"
        "可信度 ≥ 0.8 的定位在人工评测集上至少 95% 正确；低于 0.5 的定位请人工确认。"
        "您可以确认、移到其他节点或移除；人工修正会保存，重新抽取或重新加载数据后仍然有效。",
        "Why a patent or an organisation sits on a chain node: the keywords, IPC codes and rule that "
        "placed it, and its confidence. Placements at confidence ≥ 0.8 were right at least 95% of the "
        "time on the hand-judged gold set; check those below 0.5 by hand. Accept, move or remove a "
        "placement: corrections are stored and survive re-extraction and reloads.",
    ),
    "pl_kind": ("对象", "Subject"),
    "pl_kind_patent": ("专利", "Patents"),
    "pl_kind_org": ("机构", "Organisations"),
    "pl_subject_q": ("专利号/机构编号，或标题/名称的一部分", "Publication no. / organisation id, or part of the title / name"),
    "pl_conf_range": ("可信度范围", "Confidence range"),
    "pl_method": ("定位方法", "Method"),
    "pl_all_methods": ("全部方法", "All methods"),
    "pl_placements": ("定位列表（可信度由低到高）", "Placements (weakest first)"),
    "pl_pick_row": ("选择一条定位进行审核", "Choose a placement to review"),
    "pl_why": ("定位依据", "Why it is here"),
    "pl_accept": ("确认（人工，可信度 1.0）", "Accept (manual, confidence 1.0)"),
    "pl_move_to": ("移到节点", "Move to node"),
    "pl_move": ("移动", "Move"),
    "pl_remove": ("移除（不再自动定位）", "Remove (no re-placement)"),
    "pl_done": ("已保存修正。", "Correction saved."),
    "pl_rejections": ("已移除的定位", "Removed placements"),
    "pl_undo": ("撤销移除", "Undo removal"),
    "pl_summary": ("定位概况（按方法；可信度 ≥0.8 / 0.5–0.8 / <0.5）", "Placements by method (confidence ≥0.8 / 0.5–0.8 / <0.5)"),
    "pl_none": ("没有符合条件的定位。先运行 `chainkg load` 和 `chainkg extract`。",
                "No placement matches. Run `chainkg load` and `chainkg extract` first."),
    # columns
    "pl_col_subject_id": ("编号", "Id"),
    "pl_col_subject_name": ("标题/名称", "Title / name"),
    "pl_col_node_name": ("节点", "Node"),
    "pl_col_chain_id": ("产业链", "Chain"),
    "pl_col_method": ("方法", "Method"),
    "pl_col_confidence": ("可信度", "Confidence"),
    "pl_col_evidence": ("依据", "Evidence"),
    "pl_col_rule": ("规则", "Rule"),
    "pl_col_terms": ("命中词", "Matched terms"),
    "pl_col_ipc": ("IPC", "IPC"),
    "pl_col_at": ("时间", "When"),
    "pl_col_kind": ("对象", "Subject"),
    "pl_col_edges": ("定位数", "Placements"),
    "pl_col_high": ("≥0.8", "≥0.8"),
    "pl_col_mid": ("0.5–0.8", "0.5–0.8"),
    "pl_col_low": ("<0.5", "<0.5"),
    # methods (values shown translated in the method picker)
    "pl_m_keyword": ("关键词（旧）", "keyword (old rules)"),
    "pl_m_ipc_prefix": ("IPC 前缀（旧）", "IPC prefix (old rules)"),
    "pl_m_evidence": ("证据组合", "evidence combination"),
    "pl_m_ipc_group": ("IPC 组（加载时）", "IPC group (at load)"),
    "pl_m_manual": ("人工", "manual"),
    "pl_m_declared": ("数据声明", "declared in data"),
    "pl_m_patents": ("按专利占比", "by share of patents"),
    "pl_m_profile": ("按简介", "by profile"),
    # evidence classes (the `rule` on a placement), in words
    "pl_r_term+ipc_group": ("标题命中该节点的专有词，且IPC分类号落在该节点的IPC组内", "a term naming this node, and an IPC code under one of its groups"),
    "pl_r_term+scope": ("命中只属于该节点的词，且IPC小类在该节点范围内", "a term only this node lists, and an IPC subclass in the node's scope"),
    "pl_r_term": ("命中只属于该节点的词（文本无IPC，或含产业链关键词）", "a term only this node lists (no IPC, or the text names the chain)"),
    "pl_r_terms": ("命中该节点的两个以上的词", "two or more terms of this node"),
    "pl_r_term+chain_scope": ("命中该节点的词；IPC属于本产业链但不在该节点范围内", "a term of this node; the IPC is in the chain's domain but not the node's"),
    "pl_r_shared+scope": ("命中多个节点共有的词，IPC在该节点范围内", "a term several nodes share, IPC in this node's scope"),
    "pl_r_shared": ("只命中多个节点共有的词", "only a term several nodes share"),
    "pl_r_context+anchor": ("命中该节点的语境词，且文本提到本产业链（如“光伏”“新能源汽车”）", "a context term of this node, and the text names the chain (光伏, 新能源汽车 …)"),
    "pl_r_context+scope": ("命中该节点的语境词，且IPC在该节点范围内", "a context term of this node, IPC in the node's scope"),
    "pl_r_ipc_group": ("仅凭IPC分类号（只有该节点列出的IPC组），无命中词", "IPC only: a group only this node lists, no term"),
    "pl_r_ipc_group_shared": ("仅凭IPC分类号（多个节点共有的IPC组），无命中词", "IPC only: a group several nodes list, no term"),
    "pl_r_learned": ("由定位分类器判定：标题的字n-gram、中心词和IPC小类（用人工标注的专利训练），没有命中列表词",
                     "the placement classifier: the title's character n-grams, head noun and IPC subclass (trained on "
                     "hand-judged patents), no listed term"),
    "pl_ml_agree": ("分类器也判定为此节点", "the classifier agrees"),
    "pl_ml_other": ("分类器倾向本链的另一节点，可信度降低", "the classifier prefers another node of the chain: lower confidence"),
    "pl_ml_unsure": ("分类器不确定该专利属于本产业链", "the classifier is unsure the patent belongs on this chain"),
    "pl_r_patent_share": ("该机构的多件专利被定位在此节点（按占比）", "a share of the organisation's patents is placed on this node"),
    "pl_r_none": ("人工或数据声明的定位", "placed by hand or declared in the data"),
    "pl_col_why": ("定位理由", "Why"),
    "pl_subject": ("该词是标题的主体", "the term is what the title is about"),
    "pl_inner": ("该词不是标题的主体，可信度较低", "the term is not what the title is about: lower confidence"),
    "pl_conf_note": ("可信度含义：≥0.8 = 标题主体是只属于该节点的词且IPC在该节点范围内，在两轮未参与调参的专利上 55 个中 53 个正确；"
                     "0.5–0.8 需复核（约六到九成正确）；人工定位为 1.0。",
                     "Confidence: ≥ 0.8 = the title's subject is a term only this node lists, with its IPC in the node's scope — "
                     "53 of 55 right on two rounds of patents never used for tuning; 0.5–0.8 needs a check (roughly 60–90 % "
                     "right); manual = 1.0."),
    "pl_no_node": ("（全部节点）", "(all nodes)"),
}
