-- Why a year's notice was entered again (a correction of an entry made wrongly): who and when
-- were kept, the reason was not.  The first entry of a year needs none (the notice is why).
ALTER TABLE workday_notices ADD COLUMN reason TEXT NOT NULL DEFAULT '';
