-- A review item's reason in bokmål beside the English one, so the coordinator's weekly status
-- gives it in their language. Items set aside before have none; they show the English.
ALTER TABLE review_items ADD COLUMN reason_nb TEXT;
