"""The OpenAPI document: every operation and every shape it names, kept whole as the code behind it moves.

A change here is a change of the API that clients see: make it on purpose, and say so in the change."""

OPERATIONS = [
    'DELETE /api/v1/agenda-items/{item_id} api_agenda 204 403 404 409 422 default',
    'DELETE /api/v1/attachments/{attachment_id} api_attachments 204 403 404 409 422 default',
    'DELETE /api/v1/meetings/{meeting_id} api_meetings 204 403 404 409 default',
    'GET /api/v1/action-items api_actions 200 422 default',
    'GET /api/v1/action-items/{item_id} api_actions 200 404 default',
    'GET /api/v1/action-items/{item_id}/updates api_actions 200 404 default',
    'GET /api/v1/action-items/{target_id}/notes api_notes 200 404 default',
    'GET /api/v1/agenda-items/{item_id} api_agenda 200 404 default',
    'GET /api/v1/agenda-items/{item_id}/attachments api_attachments 200 404 default',
    'GET /api/v1/agenda-items/{target_id}/notes api_notes 200 404 default',
    'GET /api/v1/agreements api_mou 200 default',
    'GET /api/v1/agreements/{agreement_id} api_mou 200 default',
    'GET /api/v1/attachments/{attachment_id} api_attachments 200 404 default',
    'GET /api/v1/attachments/{attachment_id}/file api_attachments 200 404 default',
    'GET /api/v1/audit api_audit 200 403 422 default',
    'GET /api/v1/focus-areas api_mou 200 422 default',
    'GET /api/v1/focus-areas/{focus_area_id} api_mou 200 default',
    'GET /api/v1/me api_people 200 default',
    'GET /api/v1/meetings api_meetings 200 422 default',
    'GET /api/v1/meetings/{meeting_id} api_meetings 200 404 default',
    'GET /api/v1/meetings/{meeting_id}/agenda api_agenda 200 404 default',
    'GET /api/v1/meetings/{meeting_id}/agenda-items api_agenda 200 404 default',
    'GET /api/v1/meetings/{meeting_id}/briefing api_notes 200 404 422 default',
    'GET /api/v1/meetings/{meeting_id}/marking api_documents 200 404 default',
    'GET /api/v1/meetings/{meeting_id}/minutes api_minutes 200 404 default',
    'GET /api/v1/meetings/{meeting_id}/minutes/comments api_minutes 200 404 default',
    'GET /api/v1/meetings/{meeting_id}/minutes/corrections api_minutes 200 404 default',
    'GET /api/v1/meetings/{meeting_id}/minutes/corrections/{number} api_minutes 200 404 default',
    'GET /api/v1/meetings/{meeting_id}/minutes/record api_minutes 200 404 default',
    'GET /api/v1/meetings/{meeting_id}/proposals api_meetings 200 404 default',
    'GET /api/v1/meetings/{meeting_id}/proposals/{number} api_meetings 200 404 default',
    'GET /api/v1/meetings/{meeting_id}/summary api_public_summary 200 404 default',
    'GET /api/v1/meetings/{target_id}/notes api_notes 200 404 default',
    'GET /api/v1/minutes-sections/{target_id}/notes api_notes 200 404 default',
    'GET /api/v1/notes/{note_id} api_notes 200 404 default',
    'GET /api/v1/notes/{note_id}/revisions api_notes 200 404 default',
    'GET /api/v1/notifications api_notifications 200 422 default',
    'GET /api/v1/organizations api_people 200 422 default',
    'GET /api/v1/progress api_progress 200 422 default',
    'GET /api/v1/public/summaries api_public_summary 200 default',
    'GET /api/v1/search api_search 200 422 default',
    'GET /api/v1/texts/{kind}/{record_id} api_texts 200 404 default',
    'GET /api/v1/users api_people 200 422 default',
    'GET /api/v1/users/{user_id} api_people 200 default',
    'GET /api/v1/verify/{sha256} api_verify 200 422 default',
    'PATCH /api/v1/action-items/{item_id} api_actions 200 403 404 409 422 default',
    'PATCH /api/v1/agenda-items/{item_id} api_agenda 200 403 404 409 422 default',
    'PATCH /api/v1/meetings/{meeting_id} api_meetings 200 403 404 409 422 default',
    'PATCH /api/v1/meetings/{meeting_id}/minutes/corrections/{number} api_minutes 200 403 404 409 422 default',
    'POST /api/v1/action-items api_actions 201 403 409 422 default',
    'POST /api/v1/action-items/{item_id}/updates api_actions 201 403 404 409 422 default',
    'POST /api/v1/action-items/{target_id}/notes api_notes 200 201 403 404 409 422 default',
    'POST /api/v1/agenda-items/{item_id}/attachments api_attachments 201 403 404 409 413 422 default',
    'POST /api/v1/agenda-items/{target_id}/notes api_notes 200 201 403 404 409 422 default',
    'POST /api/v1/meetings api_meetings 201 403 422 default',
    'POST /api/v1/meetings/{meeting_id}/agenda-items api_agenda 201 403 404 409 422 default',
    'POST /api/v1/meetings/{meeting_id}/agenda/approvals api_agenda 201 403 404 409 422 default',
    'POST /api/v1/meetings/{meeting_id}/minutes/approvals api_minutes 201 403 404 409 422 default',
    'POST /api/v1/meetings/{meeting_id}/minutes/comments api_minutes 201 403 404 409 422 default',
    'POST /api/v1/meetings/{meeting_id}/minutes/corrections api_minutes 201 403 404 409 422 default',
    'POST /api/v1/meetings/{meeting_id}/minutes/corrections/{number}/approvals api_minutes 201 403 404 409 422 default',
    'POST /api/v1/meetings/{meeting_id}/proposals api_meetings 201 403 404 409 422 default',
    'POST /api/v1/meetings/{meeting_id}/proposals/{number}/confirmation api_meetings 200 403 404 409 default',
    'POST /api/v1/meetings/{meeting_id}/proposals/{number}/decline api_meetings 200 403 404 409 default',
    'POST /api/v1/meetings/{meeting_id}/proposals/{number}/withdrawal api_meetings 200 403 404 409 default',
    'POST /api/v1/meetings/{meeting_id}/summary/checks api_public_summary 201 403 404 409 422 default',
    'POST /api/v1/meetings/{meeting_id}/summary/releases api_public_summary 201 403 404 409 422 default',
    'POST /api/v1/meetings/{target_id}/notes api_notes 200 201 403 404 409 422 default',
    'POST /api/v1/minutes-sections/{target_id}/notes api_notes 200 201 403 404 409 422 default',
    'POST /api/v1/notifications/read api_notifications 200 422 default',
    'POST /api/v1/texts/{kind}/{record_id}/checks api_texts 201 403 404 409 422 default',
    'PUT /api/v1/meetings/{meeting_id}/agenda/order api_agenda 200 403 404 409 422 default',
    'PUT /api/v1/meetings/{meeting_id}/marking api_documents 200 403 404 409 422 default',
    'PUT /api/v1/meetings/{meeting_id}/minutes api_minutes 200 403 404 409 422 default',
    'PUT /api/v1/meetings/{meeting_id}/summary api_public_summary 200 403 404 409 422 default',
    'PUT /api/v1/notes/{note_id} api_notes 200 403 404 409 422 default',
]
SCHEMAS = {
    "ActionItem": [
        'agenda_item_id', 'agreement_id', 'closed_in_meeting_id', 'created_at', 'description', 'description_ko',
        'due_date', 'focus_area_code', 'focus_area_id', 'id', 'meeting_id', 'overdue', 'owners', 'ref', 'status',
        'title', 'title_ko', 'updated_at', 'version'
    ],
    "ActionItemCreate": [
        'agenda_item_id', 'agreement_id', 'description', 'description_ko', 'due_date', 'focus_area_id', 'meeting_id',
        'owners', 'status', 'title', 'title_ko'
    ],
    "ActionItemUpdate": [
        'agenda_item_id', 'description', 'description_ko', 'due_date', 'focus_area_id', 'meeting_id', 'owners',
        'status', 'title', 'title_ko', 'version'
    ],
    "ActionUpdate": [
        'action_item_id', 'at', 'author_id', 'author_name', 'due_date_from', 'due_date_to', 'id', 'status',
        'status_from', 'text'
    ],
    "ActionUpdateCreate": ['status', 'text'],
    "Adopt": [],
    "Adopter": ['name', 'name_ko'],
    "Agenda": ['agenda_version', 'approvals', 'days', 'items', 'meeting_id', 'status'],
    "AgendaApprovals": ['agenda_version', 'approvals', 'meeting_id', 'status'],
    "AgendaDay": ['day', 'ends_at', 'minutes', 'overrun_minutes', 'starts_at'],
    "AgendaItem": [
        'day', 'description', 'description_ko', 'duration_minutes', 'end_time', 'focus_area_ids', 'id', 'kind',
        'meeting_id', 'number', 'position', 'presenters', 'presenters_ko', 'start_time', 'title', 'title_ko', 'version'
    ],
    "AgendaItemCreate": [
        'day', 'description', 'description_ko', 'duration_minutes', 'focus_area_ids', 'kind', 'presenters',
        'presenters_ko', 'title', 'title_ko'
    ],
    "AgendaItemUpdate": [
        'day', 'description', 'description_ko', 'duration_minutes', 'focus_area_ids', 'kind', 'presenters',
        'presenters_ko', 'title', 'title_ko', 'version'
    ],
    "AgendaOrder": ['ids'],
    "Agree": ['agenda_version'],
    "Agreement": [
        'code', 'discontinuation_notice_date', 'discontinuation_notice_side', 'end_date', 'english_side', 'id',
        'korean_side', 'notice_period_days', 'participants', 'purpose', 'purpose_ko', 'short_title', 'short_title_ko',
        'signed_date', 'status', 'title', 'title_ko'
    ],
    "AgreementDetail": [
        'code', 'discontinuation_notice_date', 'discontinuation_notice_side', 'end_date', 'english_side', 'focus_areas',
        'id', 'korean_side', 'modifications', 'notice_period_days', 'participants', 'purpose', 'purpose_ko',
        'short_title', 'short_title_ko', 'signed_date', 'status', 'terms', 'title', 'title_ko'
    ],
    "Approval": ['at', 'name', 'user_id'],
    "Attachment": [
        'agenda_item_id', 'content_type', 'file_url', 'filename', 'id', 'meeting_id', 'sha256', 'size', 'uploaded_at',
        'uploaded_by_id'
    ],
    "AttachmentUpload": ['file'],
    "AttendanceIn": ['KR', 'US'],
    "AttendanceVersionIn": ['KR', 'US'],
    "Attendee": [
        'id', 'languages', 'name', 'name_ko', 'organization', 'organization_ko', 'title', 'title_ko', 'user_id'
    ],
    "AuditChange": ['after', 'before', 'field', 'label'],
    "AuditEvent": [
        'action', 'actor', 'actor_id', 'address', 'after', 'at', 'before', 'changes', 'id', 'object_id', 'object_label',
        'object_type', 'outcome', 'reason'
    ],
    "Briefing": [
        'action_items', 'as_of', 'items', 'language', 'marking', 'meeting', 'meeting_note', 'progress', 'side'
    ],
    "BriefingActionItem": ['due_date', 'focus_area', 'id', 'overdue', 'owners', 'ref', 'status', 'title'],
    "BriefingItem": ['day', 'ends', 'focus_areas', 'id', 'note', 'number', 'record_note', 'starts', 'title'],
    "BriefingNote": ['author', 'id', 'text', 'updated_at', 'version'],
    "BriefingProgress": ['code', 'meeting', 'narrative', 'status', 'title'],
    "CoChairsIn": ['KR', 'US'],
    "Comment": ['agenda_item_id', 'at', 'author_id', 'author_name', 'id', 'meeting_id', 'resolved_at', 'side', 'text'],
    "CommentCreate": ['agenda_item_id', 'text'],
    "Correction": [
        'adopted_at', 'approvals', 'changes', 'documents', 'meeting_id', 'number', 'proposed_at', 'proposed_by_id',
        'reason', 'sha256', 'status', 'supersedes', 'version'
    ],
    "CorrectionAdopt": ['version'],
    "CorrectionChanges": ['next_meeting', 'next_meeting_ko', 'progress', 'records'],
    "CorrectionCreate": ['changes', 'reason', 'supersedes'],
    "CorrectionProgressIn": ['focus_area', 'narrative', 'narrative_ko', 'status'],
    "CorrectionRecordIn": ['agenda_item_id', 'decisions', 'decisions_ko', 'discussion', 'discussion_ko'],
    "CorrectionUpdate": ['changes', 'reason', 'status', 'version'],
    "Dashboard": ['areas', 'balance', 'filters', 'meetings', 'sides', 'today'],
    "DashboardArea": ['action_items', 'code', 'depth', 'id', 'parent_id', 'progress', 'title', 'url'],
    "DashboardBalance": ['action_items', 'hosted', 'open', 'overdue', 'presented'],
    "DashboardCell": ['meeting_id', 'rolled_up', 'status', 'statuses'],
    "DashboardCounts": ['open', 'overdue'],
    "DashboardFilters": ['area', 'from', 'side', 'to'],
    "DashboardMeeting": ['host_side', 'id', 'minutes_status', 'ordinal', 'start_date', 'status', 'title', 'url'],
    "Error": ['error'],
    "ErrorDetail": ['code', 'current', 'field', 'fields', 'message'],
    "FocusArea": [
        'agreement_id', 'code', 'depth', 'id', 'parent_id', 'position', 'summary', 'summary_ko', 'title', 'title_ko'
    ],
    "FocusAreaNode": [
        'agreement_id', 'children', 'code', 'depth', 'id', 'parent_id', 'position', 'summary', 'summary_ko', 'title',
        'title_ko'
    ],
    "MarkRead": ['ids'],
    "Marked": ['marked', 'unread'],
    "Marking": ['choices', 'label', 'label_ko', 'marking', 'meeting_id', 'version'],
    "MarkingUpdate": ['marking', 'version'],
    "Meeting": [
        'agenda_version', 'agreement_id', 'city', 'city_ko', 'co_chairs', 'end_date', 'host_side', 'id', 'mode',
        'ordinal', 'short_ref', 'start_date', 'status', 'time_zone', 'title', 'title_ko', 'venue', 'venue_ko', 'version'
    ],
    "MeetingCreate": [
        'agreement_id', 'city', 'city_ko', 'co_chairs', 'end_date', 'focus_area_ids', 'host_side', 'mode', 'ordinal',
        'start_date', 'time_zone', 'title', 'title_ko', 'venue', 'venue_ko'
    ],
    "MeetingUpdate": [
        'city', 'city_ko', 'co_chairs', 'end_date', 'host_side', 'mode', 'ordinal', 'start_date', 'status', 'time_zone',
        'title', 'title_ko', 'venue', 'venue_ko', 'version'
    ],
    "Minutes": [
        'adopted_at', 'approvals', 'attendance', 'attendance_version', 'attendees', 'id', 'languages', 'meeting_id',
        'meeting_status', 'next_meeting', 'next_meeting_ko', 'next_meeting_version', 'progress', 'records', 'sha256',
        'status', 'updated_at', 'version'
    ],
    "MinutesApprovals": ['adopted_at', 'approvals', 'meeting_id', 'meeting_status', 'sha256', 'status', 'version'],
    "MinutesUpdate": [
        'attendance', 'attendance_version', 'next_meeting', 'next_meeting_ko', 'next_meeting_version', 'progress',
        'records', 'status', 'version'
    ],
    "Modification": ['decided_on', 'description'],
    "Note": ['author', 'author_id', 'id', 'kind', 'side', 'target_id', 'text', 'updated_at', 'version'],
    "NoteRevision": ['at', 'author', 'author_id', 'text', 'version'],
    "NoteWrite": ['text', 'version'],
    "Notice": [
        'action_item_id', 'ask', 'created_at', 'event', 'headline', 'id', 'kind', 'lines', 'meeting_id', 'read_at',
        'to_act', 'url'
    ],
    "NoticeList": ['notifications', 'unread'],
    "Organization": ['acronym', 'id', 'name', 'name_ko', 'side'],
    "OwnerIn": ['organization_id', 'user_id'],
    "OwnersIn": ['KR', 'US'],
    "Pagination": ['first_page', 'last_page', 'next_page', 'page', 'previous_page', 'total', 'total_pages'],
    "PaginationMetadata": ['first_page', 'last_page', 'next_page', 'page', 'previous_page', 'total', 'total_pages'],
    "PresentersIn": ['KR', 'US'],
    "Progress": [
        'focus_area_code', 'focus_area_id', 'id', 'languages', 'narrative', 'narrative_ko', 'status', 'version'
    ],
    "ProgressIn": ['focus_area_id', 'narrative', 'narrative_ko', 'status', 'version'],
    "Proposal": [
        'decided_at', 'decided_by_id', 'end_date', 'host_side', 'kind', 'meeting_id', 'number', 'proposed_at',
        'proposed_by_id', 'reason', 'side', 'stale', 'start_date', 'status', 'was'
    ],
    "ProposalCreate": ['end_date', 'host_side', 'kind', 'reason', 'start_date'],
    "PublicSummary": ['body', 'body_ko', 'headline', 'headline_ko', 'meeting_id', 'released_at', 'url'],
    "Record": [
        'agenda_item_id', 'decisions', 'decisions_ko', 'discussion', 'discussion_ko', 'id', 'languages', 'position',
        'title', 'updated_at', 'updated_by_id', 'version'
    ],
    "RecordIn": ['agenda_item_id', 'decisions', 'decisions_ko', 'discussion', 'discussion_ko', 'version'],
    "RecordOut": ['meeting_id', 'record', 'sha256'],
    "RecordTexts": ['answering', 'id', 'kind', 'texts'],
    "ReleaseOut": ['at', 'name', 'user_id', 'version'],
    "SearchHit": [
        'context', 'context_html', 'field', 'highlights', 'id', 'kind', 'language', 'meeting', 'meeting_id', 'title',
        'url'
    ],
    "SearchResults": ['counts', 'page', 'per_page', 'query', 'results', 'total'],
    "SideApprovals": ['KR', 'US'],
    "SideAttendees": ['KR', 'US'],
    "SideNames": ['KR', 'US'],
    "SideVersions": ['KR', 'US'],
    "Summary": [
        'body', 'body_ko', 'headline', 'headline_ko', 'id', 'languages', 'meeting_id', 'public_url', 'released_at',
        'releases', 'revisions', 'status', 'version'
    ],
    "SummaryCheck": ['field', 'language', 'revision'],
    "SummaryRelease": ['version'],
    "SummaryReleases": ['KR', 'US'],
    "SummaryUpdate": ['body', 'body_ko', 'headline', 'headline_ko', 'version'],
    "Term": ['code', 'text', 'text_ko'],
    "TextCheck": ['field', 'language', 'revision'],
    "TextState": ['checked_at', 'checked_by', 'copied', 'difference', 'revision', 'status'],
    "User": [
        'active', 'email', 'id', 'locale', 'name', 'name_ko', 'organization_id', 'role', 'side', 'time_zone', 'title',
        'title_ko'
    ],
    "Verdict": [
        'adopted_at', 'adopted_by', 'checks', 'correction', 'kind', 'known', 'language', 'match', 'meeting', 'reasons',
        'sha256', 'superseded_by'
    ],
}


def test_the_openapi_document_names_every_operation_with_its_tag_and_responses(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operations = sorted(f"{method.upper()} {path} {' '.join(op['tags'])} {' '.join(sorted(op['responses']))}"
                        for path, item in spec["paths"].items() for method, op in item.items()
                        if method in ("get", "post", "put", "patch", "delete"))
    assert operations == OPERATIONS


def test_the_openapi_document_keeps_every_shape_with_its_fields(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    schemas = {name: sorted(schema.get("properties", {})) for name, schema in spec["components"]["schemas"].items()}
    assert schemas == SCHEMAS
